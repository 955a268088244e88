"""One ``Settings`` dataclass: defaults in code, then a TOML file, then ``REDEFECTION_*`` variables."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_DB_PATH = "redefection.db"
# Languages the detector chooses among by default: the three we extract from, and those common in crawls.
DEFAULT_LANGUAGES = ("en", "ko", "zh", "ja", "ru", "de", "fr", "es", "pt", "it", "vi", "th", "ar")


@dataclass(frozen=True, slots=True)
class Settings:
    # SQLAlchemy URL of the store; a bare path is taken as a SQLite file.
    db_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    # Pipeline stages in order, by registered name (see redefection.pipeline).
    stages: tuple[str, ...] = ("clean", "relevance", "extract")
    # Inputs larger than this are refused before reading (bytes); 64 MiB holds any real news page.
    max_input_bytes: int = 64 * 1024 * 1024
    # HTML larger than this is cut before parsing: article text sits well inside the first 8 MiB.
    max_html_bytes: int = 8 * 1024 * 1024
    # Languages the detector chooses among (ISO 639-1); a smaller set is faster and more accurate.
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    # Prefilter engine of `scan`: auto (hyperscan where installed, else pyahocorasick), hyperscan, ahocorasick.
    prefilter_engine: str = "auto"
    # `scan` splits local archives into ranges of about this many bytes, spread over the workers;
    # 8 MiB of WARC.gz (~40 MB of records) is a fraction of a second: workers finish together.
    scan_chunk_bytes: int = 8 * 1024 * 1024


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _coerce(name: str, raw: Any, default: Any) -> Any:
    """``raw`` (a TOML value, or an environment variable's text) as the type of ``default``; else ``ConfigError``."""
    if isinstance(default, tuple):
        if isinstance(raw, str):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if isinstance(raw, list) and all(isinstance(part, str) for part in raw):
            return tuple(raw)
        raise ConfigError(name, f"expected a list of strings, got {raw!r}")
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return raw.strip().lower() in TRUE_WORDS
        raise ConfigError(name, f"expected true or false, got {raw!r}")
    if isinstance(default, int):
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw.strip())
        raise ConfigError(name, f"expected an integer, got {raw!r}")
    if isinstance(default, str):
        if isinstance(raw, str):
            return raw
        raise ConfigError(name, f"expected a string, got {raw!r}")
    raise ConfigError(name, f"unsupported value {raw!r}")


def settings_environment(settings: Settings) -> dict[str, str]:
    """``REDEFECTION_*`` variables from which ``load_settings`` builds ``settings`` again (e.g. in a child process)."""
    env = {}
    for field in dataclasses.fields(Settings):
        value = getattr(settings, field.name)
        env[f"REDEFECTION_{field.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    return env


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Build settings from defaults, then ``path`` (TOML), then ``REDEFECTION_*`` variables."""
    base = Settings()
    values: dict[str, Any] = {}
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(Settings)}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"cannot read settings: {exc}") from exc
        for key, raw in data.items():
            if key not in fields:
                raise ConfigError(str(path), f"unknown setting {key!r}")
            values[key] = _coerce(f"{path}: {key}", raw, fields[key])  # names the file and the key
    env = os.environ if environ is None else environ
    for key, default in fields.items():
        raw_env = env.get(f"REDEFECTION_{key.upper()}")
        if raw_env is not None:
            values[key] = _coerce(f"REDEFECTION_{key.upper()}", raw_env, default)
    return dataclasses.replace(base, **values)
