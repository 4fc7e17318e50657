"""Commands as kl defines them: a function of the resolved options, registered with the common
output options added, run under the one error handler; and how a view is emitted."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

import typer
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from kl_cli.cli.env import env
from kl_cli.cli.options import COMMON, HUMAN, Fmt, Opts, common_params, resolve
from kl_cli.cli.output import guarded, page_out, say_debug, write_out

if TYPE_CHECKING:
    from kl_cli.store.cache import Cache
    from kl_cli.store.load import Loaded


def kl_command(
    register: Callable[..., Callable[[Callable[..., Any]], Any]],
    name: str | None,
    *,
    formats: Sequence[Fmt] = HUMAN,
    before_commands: bool = False,
    auto: str | None = None,
    **settings: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(opts, **args)` as a command that also takes the common output options.

    `register` is `app.command` (with a name) or `app.callback` (name None). The wrapper's
    signature is the command's own parameters plus the shared options, so Typer sees one
    ordinary function. `formats` are the command's formats, the first its default: its -f help,
    choices and completion, and what it resolves to, all come from that one list. A group whose
    -f also stands for the command after it (the root: `kl -f dot org`) says `before_commands`;
    `auto` says what -f auto gives where that is not rich on a terminal, else plain.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        def make() -> Callable[..., Any]:
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
                        # options (innermost wins), so the environment is not checked twice
                        # here. A group callback therefore only runs as the command itself,
                        # or for an option of its own (kl --version).
                        return
                    fn(resolve(ctx, formats), **kwargs)

                guarded(run)

            params = [
                ctx_param,
                *own,
                *common_params(formats, before_commands=before_commands, auto=auto),
            ]
            wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
            wrapper.__annotations__ = {p.name: p.annotation for p in params}
            del wrapper.__wrapped__
            return wrapper

        if name is None:  # a group's callback: Typer builds the group itself, at once
            register(**settings)(make())
        else:  # a command: registered as it is, made a command when it is built (Held.build)
            register(name, **settings)(fn)
            _MAKE[fn] = make
        return fn

    return decorate


class Commands(MutableMapping[str, Any]):
    """A group's commands by name, in the order they were registered, each turned into Click's
    form only when it is first looked up.

    Typer builds every command of a group up front, reading each function's signature and type
    hints: for kl's twenty commands that was some 10 ms of every run (half of what kl adds to
    Typer's own start-up), though a run uses one. Names, order and hidden flags come from the
    registrations without building anything; help, completion and a typo's suggestions still
    see every command (they look each one up)."""

    def __init__(self, held: Held) -> None:
        self._held = held
        self._built: dict[str, Any] = {}
        self._order = list(held.infos)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._held.build(name)  # KeyError for an unknown name
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        if name not in self._order:
            self._order.append(name)

    def __delitem__(self, name: str) -> None:
        self._order.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._order


class Held:
    """A Typer app's registered commands and groups, taken from it so that Typer builds its group
    empty (Group fills it with Commands), with what Typer would build each of them with."""

    def __init__(self, app: typer.Typer) -> None:
        self.infos: dict[str, Any] = {}
        registered: list[Any] = [*app.registered_commands, *app.registered_groups]
        for info in registered:
            assert info.name, "every kl command and group is registered with its name"
            self.infos[info.name] = info
        self.hidden = {name for name, info in self.infos.items() if info.hidden is True}
        self.short = app.pretty_exceptions_short
        self.markup = app.rich_markup_mode
        self.suggest_commands = app.suggest_commands
        app.registered_commands = []
        app.registered_groups = []

    def build(self, name: str) -> Any:
        from typer.main import get_command_from_info, get_group_from_info
        from typer.models import CommandInfo

        info = self.infos[name]
        if isinstance(info, CommandInfo):
            make = _MAKE.pop(info.callback, None) if info.callback is not None else None
            if make is not None:  # the first time this command is built in this process
                info.callback = make()
            return get_command_from_info(
                info, pretty_exceptions_short=self.short, rich_markup_mode=self.markup
            )
        return get_group_from_info(
            info,
            pretty_exceptions_short=self.short,
            rich_markup_mode=self.markup,
            suggest_commands=self.suggest_commands,
        )


_HELD: dict[type[Group], Held] = {}
# A command's function -> what makes it the function Typer reads (its own parameters and the
# common options, run under the error handler): made only when the command is built, since
# making every command's took some 2.5 ms of every run.
_MAKE: dict[Callable[..., Any], Callable[[], Callable[..., Any]]] = {}


def build_on_demand(app: typer.Typer) -> None:
    """After every registration: the app's group (and its subgroups') builds a command only when
    it is looked up. Each app has a Group class of its own, by which its group finds them."""
    held = Held(app)
    cls = app.info.cls
    assert isinstance(cls, type) and issubclass(cls, Group) and cls not in _HELD
    _HELD[cls] = held
    for info in held.infos.values():
        sub = getattr(info, "typer_instance", None)  # a group's (TyperInfo); a command has none
        if sub is not None:
            build_on_demand(sub)


def runnable(cls: type[Group]) -> list[str]:
    """The names of the commands users can run in a group of class `cls`, without building them."""
    held = _HELD[cls]
    return [name for name in held.infos if name not in held.hidden]


class Group(TyperGroup):
    """A group whose errors name only commands users can run: a mistyped command's suggestions
    are its visible commands (Typer's would offer hidden ones too), and a usage error of a
    hidden command shows the usage line of the group that users reach it through. Its commands
    are built when they are looked up (Commands)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.suggest_commands = False  # suggested here, from the visible commands only
        held = _HELD.get(type(self))
        if held is not None:
            assert not self.commands, "Held took the registrations: Typer built none"
            self.commands = Commands(held)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: TyperGroup's would build every command

    def visible(self, ctx: Any) -> list[str]:
        """The names of the commands users can run, as help lists them."""
        held = _HELD.get(type(self))
        if held is not None:
            return [name for name in self.list_commands(ctx) if name not in held.hidden]
        return [name for name in self.list_commands(ctx) if not self.commands[name].hidden]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except ClickUsageError as e:
            if args:
                e.message = e.message.rstrip(".") + "." + suggestion(args[0], self.visible(ctx))
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClickUsageError as e:
            while e.ctx is not None and e.ctx.command.hidden and e.ctx.parent is not None:
                e.ctx = e.ctx.parent
            raise


def suggestion(typed: str, names: list[str]) -> str:
    """' Did you mean ...?' naming the `names` close to `typed`, or ''."""
    import difflib

    close = difflib.get_close_matches(typed, names)
    return f" Did you mean {', '.join(repr(n) for n in close)}?" if close else ""


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
