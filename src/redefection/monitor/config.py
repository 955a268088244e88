"""The watch configuration (TOML): sources to poll, how to fetch, where alerts go.

The minimal form, which stays valid as the format grows::

    [[sources]]
    name = "Example News"
    feed = "https://news.example.org/rss.xml"   # or: sitemap = "https://news.example.org/news-sitemap.xml"

Everything else is optional and has a default here. Unknown keys are
refused, so a typo never silently turns a setting off.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..records import REASON_CODES
from .alerts import ITEM_KINDS, AlertRule, SmtpConfig
from .fetch import USER_AGENT, FetchPolicy, canonical_url

DEFAULT_CONFIG = Path("watch.toml")
STATUSES = ("returned", "attempted", "intended")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One feed or news sitemap to poll."""

    name: str
    kind: str  # "feed" | "sitemap"
    url: str
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class WatchConfig:
    sources: tuple[SourceConfig, ...]
    alerts: tuple[AlertRule, ...] = ()
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    interval: float = 900.0  # seconds between rounds of the long-lived loop; feeds rarely change faster
    concurrency: int = 4  # article fetches in flight over all hosts (each host also has its own limit)
    max_attempts: int = 3  # fetch attempts per article URL before it is given up
    max_sitemaps: int = 20  # child sitemaps read per sitemap index and round
    keep_irrelevant: bool = False  # store pages the relevance stage finds off-topic (else count them as drops)
    source_path: str = ""  # where the configuration was read from


def load_watch_config(path: Path) -> WatchConfig:
    """Read and check a watch configuration.

    Raises:
        ConfigError: the file cannot be read, or a value is missing, unknown or of the wrong type.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "no such watch configuration; see examples/watch.toml") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read the watch configuration: {exc}") from exc
    return parse_watch_config(data, str(path))


def parse_watch_config(data: dict[str, Any], where: str = "watch config") -> WatchConfig:
    """Build a ``WatchConfig`` from parsed TOML."""
    top = _Table(data, where)
    raw_sources = top.pop("sources", list, [])
    if not raw_sources:
        raise ConfigError(where, "no [[sources]]: list at least one feed or sitemap")
    sources = tuple(_source(_Table(raw, f"{where}: sources[{n}]")) for n, raw in enumerate(raw_sources))
    names = [source.name for source in sources]
    if len(set(names)) != len(names):
        raise ConfigError(where, "two sources share a name; names identify sources in the health report")
    alerts = tuple(_rule(_Table(raw, f"{where}: alerts[{n}]")) for n, raw in enumerate(top.pop("alerts", list, [])))
    fetch = _dataclass(FetchPolicy, _Table(top.pop("fetch", dict, {}), f"{where}: [fetch]"), extra=("contact",))
    smtp = _dataclass(SmtpConfig, _Table(top.pop("smtp", dict, {}), f"{where}: [smtp]"))
    config = WatchConfig(
        sources=sources,
        alerts=alerts,
        fetch=fetch,
        smtp=smtp,
        interval=top.pop("interval", (int, float), 900.0),
        concurrency=max(1, top.pop("concurrency", int, 4)),
        max_attempts=max(1, top.pop("max_attempts", int, 3)),
        max_sitemaps=max(0, top.pop("max_sitemaps", int, 20)),
        keep_irrelevant=top.pop("keep_irrelevant", bool, False),
        source_path=where,
    )
    top.done()
    return config


class _Table:
    """A TOML table read key by key; ``done`` refuses keys nobody asked for."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise ConfigError(where, "expected a table")
        self.raw, self.where = dict(raw), where

    def pop(self, key: str, kind: type | tuple[type, ...], default: Any = None, *, required: bool = False) -> Any:
        if key not in self.raw:
            if required:
                raise ConfigError(self.where, f"missing {key!r}")
            return default
        value = self.raw.pop(key)
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise ConfigError(self.where, f"{key!r} must be a number, not {value!r}")
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise ConfigError(self.where, f"{key!r} must be of type {names}, not {value!r}")
        return value

    def strings(self, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.pop(key, (str, list), [])
        values = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
        unknown = [v for v in values if allowed is not None and v not in allowed]
        if unknown:
            raise ConfigError(self.where, f"{key!r}: unknown value(s) {unknown}; choose from {list(allowed or ())}")
        return values

    def done(self) -> None:
        if self.raw:
            raise ConfigError(self.where, f"unknown key(s): {', '.join(sorted(self.raw))}")


def _source(table: _Table) -> SourceConfig:
    name = table.pop("name", str, required=True).strip()
    feed, sitemap = table.pop("feed", str), table.pop("sitemap", str)
    if bool(feed) == bool(sitemap):
        raise ConfigError(table.where, f"source {name!r} needs exactly one of 'feed' or 'sitemap'")
    url = feed or sitemap
    try:
        canonical_url(url)
    except ValueError as exc:
        raise ConfigError(table.where, f"source {name!r}: {exc}") from None
    enabled = table.pop("enabled", bool, True)
    table.done()
    return SourceConfig(name=name, kind="feed" if feed else "sitemap", url=url.strip(), enabled=enabled)


def _rule(table: _Table) -> AlertRule:
    rule = AlertRule(
        name=table.pop("name", str, required=True),
        kinds=table.strings("kinds", ITEM_KINDS) or ITEM_KINDS,
        languages=table.strings("languages"),
        statuses=table.strings("statuses", STATUSES),
        reasons=table.strings("reasons", REASON_CODES),
        webhook=table.pop("webhook", str),
        email=table.strings("email"),
    )
    if not rule.webhook and not rule.email:
        raise ConfigError(table.where, f"alert {rule.name!r} needs a 'webhook' URL or 'email' recipients")
    table.done()
    return rule


def _dataclass(cls: Any, table: _Table, extra: tuple[str, ...] = ()) -> Any:
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        default = getattr(cls(), item.name)
        kind: Any = (int, float) if isinstance(default, float) else type(default) if default is not None else str
        if item.name in table.raw and isinstance(default, tuple):
            values[item.name] = table.strings(item.name)  # a TOML list of strings (or one string)
        elif item.name in table.raw:
            values[item.name] = table.pop(item.name, kind)
    if "contact" in extra:
        contact = table.pop("contact", str)
        if contact:  # a way to reach whoever runs this instance, as polite crawlers give
            agent = values.get("user_agent", USER_AGENT)
            values["user_agent"] = f"{agent[:-1]}; +{contact})" if agent.endswith(")") else f"{agent} (+{contact})"
    table.done()
    return cls(**values)
