"""Commands as kl defines them: a function of the resolved options, registered with the common
output options added, run under the one error handler; and how a view is emitted."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from kl_cli.cli.env import env
from kl_cli.cli.options import _COMMON_PARAMS, COMMON, HUMAN, Fmt, Opts, resolve
from kl_cli.cli.output import guarded, page_out, say_debug, write_out

if TYPE_CHECKING:
    from kl_cli.store.cache import Cache
    from kl_cli.store.load import Loaded


def kl_command(
    register: Callable[..., Callable[[Callable[..., Any]], Any]],
    name: str | None,
    *,
    formats: frozenset[Fmt] = HUMAN,
    **settings: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(opts, **args)` as a command that also takes the common output options.

    `register` is `app.command` (with a name) or `app.callback` (name None). The wrapper's
    signature is the command's own
    parameters plus the shared options, so Typer sees one ordinary function.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
        ctx_param = inspect.Parameter(
            "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )

        @functools.wraps(fn)
        def wrapper(ctx: typer.Context, **kwargs: Any) -> None:
            for key in COMMON:
                kwargs.pop(key, None)

            def run() -> None:
                if ctx.invoked_subcommand is not None and not any(kwargs.values()):
                    # A group whose subcommand does the work; that command resolves the
                    # options (innermost wins), so the environment is not checked twice here.
                    # A group callback therefore only runs as the command itself, or for an
                    # option of its own (kl --version).
                    return
                fn(resolve(ctx, formats), **kwargs)

            guarded(run)

        params = [ctx_param, *own, *_COMMON_PARAMS]
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        del wrapper.__wrapped__
        (register(name, **settings) if name else register(**settings))(wrapper)
        return fn

    return decorate


def as_data(opts: Opts, data: Any) -> str:
    """`data` as JSON (-f json) or else YAML, escaping non-ASCII when stdout cannot take UTF-8."""
    from kl_cli.present import formats

    ascii_only = not env().stdout_utf8()
    if opts.format == Fmt.json:
        return formats.to_json(data, ascii_only=ascii_only)
    return formats.to_yaml(data, ascii_only=ascii_only)


def emit(opts: Opts, view: Any) -> None:
    """Serialise a view in the chosen format and write it once."""
    from kl_cli.present import formats

    if opts.format in (Fmt.json, Fmt.yaml):
        text = as_data(opts, view.data)
    elif opts.format == Fmt.markdown:
        text = formats.to_markdown(view.doc)
    elif opts.format == Fmt.rich:
        from kl_cli.present.render import screen_rows, to_rich

        text = to_rich(view.doc, opts.width, opts.color, opts.links)
        if opts.pager:
            page_out(text, screen_rows(text, opts.width))
            return
    else:
        text = formats.to_plain(view.doc)
    write_out(text)


def user_cache() -> Cache:
    """The cache this call's environment names; KL_DEBUG=1 hears why it is not used."""
    from kl_cli.store.cache import Cache

    return Cache.for_user(env().environ, say_debug)


def load(opts: Opts) -> Loaded:
    """The knowledge base the options name, through this call's cache."""
    from kl_cli.store.load import load as load_kb

    return load_kb(opts.data, user_cache() if opts.data is not None else None)
