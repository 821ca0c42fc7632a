"""The settings file (config.toml): read and checked (each kind of bad file gives one message naming the file,
the setting and the fix), given to the command line's options (a flag wins) and to the app (keys, theme).

No test reads the analyst's own file: tests/conftest.py points $XDG_CONFIG_HOME at an empty folder.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from app_support import ready, run_async
from click.testing import CliRunner

from workbench.settings_file import (
    EVERYWHERE,
    AppNames,
    Defaults,
    KnownBinding,
    SettingsFile,
    SettingsFileError,
    default_path,
    parse_settings,
    read_settings,
)

GOOD = """\
theme = "nord"

[keys]
"period.next" = "],ctrl+n"
"view.percent" = ["%", "C"]

[defaults]
period = "week"
week_start = "sunday"
retention = "unbounded"
margin = 0.3
ascii_charts = true
"""


def write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def fake_names() -> AppNames:
    """A small app: two screen keys, a table key without an id, the app's ctrl+q."""
    bindings = [
        KnownBinding("period.next", "MainScreen", ("n",), "next_period", "Next period"),
        KnownBinding("period.prev", "MainScreen", ("p",), "prev_period", "Prev period"),
        KnownBinding("view.percent", "MainScreen", ("c",), "toggle_percent", "Counts/%"),
        KnownBinding("period.goto", "MainScreen", ("colon",), "goto", "Go to period"),
        KnownBinding("period.goto_slash", "MainScreen", ("slash",), "goto", "Go to period"),
        KnownBinding(None, "CohortTable", ("up",), "cursor_up", "Cursor up"),
        KnownBinding("table.down", "CohortTable", ("j",), "cursor_down", "Down"),
        KnownBinding(None, EVERYWHERE, ("ctrl+q",), "quit", "Quit"),
    ]
    names = {"right", "left", "up", "down", "enter", "space", "f5", "question_mark", "slash", "n", "p"}
    symbols = {"?": "question_mark", "/": "slash", "]": "right_square_bracket"}

    def normalize(key: str) -> str | None:
        if len(key) == 1:
            return symbols.get(key, key)
        return key.lower() if key.lower() in names else None

    return AppNames(bindings, ["nord", "textual-dark", "textual-light"], names, normalize)


def message(tmp_path: Path, text: str, names: AppNames | None = None) -> str:
    with pytest.raises(SettingsFileError) as caught:
        read_settings(write(tmp_path, text), names)
    return str(caught.value)


# ---------------------------------------------------------------- finding and reading the file


def test_a_good_file_gives_every_setting(tmp_path):
    path = write(tmp_path, GOOD)
    settings = read_settings(path, fake_names())
    assert settings.path == path and settings.theme == "nord"
    assert settings.defaults == Defaults(period="week", week_start="sunday", retention="unbounded", margin=0.3,
                                         ascii_charts=True)
    # keys come back in Textual's names, a list or a comma-separated string alike
    assert settings.keymap() == {"period.next": "right_square_bracket,ctrl+n", "view.percent": "%,C"}


def test_no_file_at_the_default_place_is_every_setting_built_in(tmp_path):
    assert read_settings(None, environ={"XDG_CONFIG_HOME": str(tmp_path)}) == SettingsFile()


def test_the_default_place_follows_xdg_config_home(tmp_path):
    assert default_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "retention-workbench" / "config.toml"
    home = Path.home() / ".config" / "retention-workbench" / "config.toml"
    assert default_path({}) == home
    assert default_path({"XDG_CONFIG_HOME": "relative/dir"}) == home  # the XDG spec: ignore a relative one
    folder = tmp_path / "retention-workbench"
    folder.mkdir()
    write(folder, 'theme = "nord"\n')
    assert read_settings(None, environ={"XDG_CONFIG_HOME": str(tmp_path)}).theme == "nord"


def test_a_missing_file_asked_for_is_an_error(tmp_path):
    with pytest.raises(SettingsFileError, match=r"nope\.toml: no such file.*--config or WORKBENCH_CONFIG"):
        read_settings(tmp_path / "nope.toml")


def test_a_toml_syntax_error_says_where(tmp_path):
    text = message(tmp_path, '[defaults]\nperiod = week\n')
    assert str(tmp_path / "config.toml") in text
    assert "not valid TOML" in text and "line 2, column 10" in text and 'needs quotes' in text


def test_a_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes('theme = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(SettingsFileError, match="not UTF-8 text"):
        read_settings(path)


@pytest.mark.parametrize(("text", "expected"), [
    ("theme = 3\n", 'theme must be a theme\'s name in quotes, e.g. theme = "textual-dark", not 3'),
    ('keys = "n"\n', 'keys must be a table: a [keys] header'),
    ('[keys]\n"period.next" = 5\n', 'keys."period.next" must be a key in quotes ("right")'),
    ('[keys]\n"period.next" = "n,"\n', 'keys."period.next" = "n," has an empty key'),
    ('defaults = 1\n', 'defaults must be a table'),
    ('[defaults]\nascii_charts = "yes"\n', 'defaults.ascii_charts = "yes" must be true or false (no quotes)'),
    ('[defaults]\nmargin = "30%"\n', 'defaults.margin = "30%": the margin is a number above 0, as --margin takes '
                                     'it (0.3 = 30%); write e.g. margin = 0.3'),
    ('[defaults]\nmargin = 0\n', 'defaults.margin = 0: the margin is a number above 0'),
    ('[defaults]\nperiod = 7\n', 'defaults.period = 7 is not one of day, week, month, quarter, year'),
])
def test_a_wrong_type_names_the_setting_and_the_fix(tmp_path, text, expected):
    text_of = message(tmp_path, text)
    assert text_of.startswith(f"Settings file {tmp_path / 'config.toml'}: ")
    assert expected in text_of


@pytest.mark.parametrize(("text", "expected"), [
    ('colour = "red"\n', 'unknown setting colour; the file holds theme = "...", a [keys] table and a [defaults]'),
    ('[default]\nperiod = "week"\n', "unknown setting default (did you mean defaults?)"),
    ('[defaults]\nperod = "week"\n', "unknown setting defaults.perod (did you mean defaults.period?)"),
    ('[defaults]\nperiod = "weekly"\n', 'defaults.period = "weekly" is not one of day, week, month, quarter, year '
                                        '(did you mean week?); write e.g. period = "week"'),
    ('[defaults]\nweek_start = "saturday"\n', 'defaults.week_start = "saturday" is not one of monday, sunday'),
    ('[defaults]\nretention = "rolling"\n', 'defaults.retention = "rolling" is not one of classic, unbounded'),
])
def test_an_unknown_setting_or_value_names_close_matches(tmp_path, text, expected):
    assert expected in message(tmp_path, text)


def test_every_problem_is_in_the_one_message(tmp_path):
    text = message(tmp_path, 'theme = "nordic"\n[keys]\n"period.nxt" = "x"\n[defaults]\nperiod = "weekly"\n',
                   fake_names())
    assert text.count("\n  - ") == 3 and "period.nxt" in text and "nordic" in text and "weekly" in text


@pytest.mark.parametrize("margin", ["0.3", "1", "2.5", "0", "-1", "1e-9"])
def test_margin_is_read_as_the_command_line_reads_it(tmp_path, margin):
    from workbench.settings_file import MARGIN

    try:
        MARGIN.convert(margin, None, None)
        cli_accepts = True
    except click.BadParameter:
        cli_accepts = False
    path = write(tmp_path, f"[defaults]\nmargin = {margin}\n")
    try:
        file_margin = read_settings(path).defaults.margin
    except SettingsFileError:
        file_margin = None
    assert (file_margin is not None) == cli_accepts
    if cli_accepts:
        assert file_margin == float(margin)


# ---------------------------------------------------------------- names only the app knows


def test_an_unknown_binding_id_lists_close_matches(tmp_path):
    text = message(tmp_path, '[keys]\n"period.nxt" = "right"\n', fake_names())
    assert 'keys."period.nxt": no key binding has the id "period.nxt"; did you mean period.next' in text
    assert "README, 'Settings file'" in text


def test_an_unknown_key_name_lists_close_matches(tmp_path):
    text = message(tmp_path, '[keys]\n"period.next" = "rigth"\n', fake_names())
    assert 'keys."period.next": "rigth" is not a key; did you mean right?' in text
    assert '"bogus+n" is not a key' in message(tmp_path, '[keys]\n"period.next" = "bogus+n"\n', fake_names())


def test_keys_are_given_in_textuals_names(tmp_path):
    path = write(tmp_path, '[keys]\n"period.next" = "Right, ?, CTRL+F5"\n')
    assert read_settings(path, fake_names()).keys["period.next"] == ("right", "question_mark", "ctrl+f5")


@pytest.mark.parametrize(("text", "expected"), [
    ('[keys]\n"period.next" = "p"\n', 'keys."period.next": "p" is already Prev period (period.prev) in '
                                      'MainScreen; give period.prev another key too, e.g. "period.prev" = "..."'),
    ('[keys]\n"table.down" = "up"\n', 'keys."table.down": "up" is already Cursor up in CohortTable; a key '
                                      'without an id cannot be moved: choose another one'),
    ('[keys]\n"period.next" = "ctrl+q"\n', '"ctrl+q" is already Quit in the whole app'),
])
def test_a_key_another_binding_keeps_is_a_clash(tmp_path, text, expected):
    assert expected in message(tmp_path, text, fake_names())


def test_swapping_two_keys_or_sharing_one_action_is_no_clash(tmp_path):
    swap = write(tmp_path, '[keys]\n"period.next" = "p"\n"period.prev" = "n"\n')
    assert read_settings(swap, fake_names()).keymap() == {"period.next": "p", "period.prev": "n"}
    same_action = write(tmp_path, '[keys]\n"period.goto" = "/"\n', "same.toml")
    assert read_settings(same_action, fake_names()).keys["period.goto"] == ("slash",)
    # a binding whose own new keys are wrong is not also reported as keeping its old key
    text = message(tmp_path, '[keys]\n"period.prev" = "rigth"\n"period.next" = "p"\n', fake_names())
    assert '"rigth" is not a key' in text and "already" not in text


def test_an_unknown_theme_lists_the_themes(tmp_path):
    text = message(tmp_path, 'theme = "nordic"\n', fake_names())
    assert 'theme = "nordic" is not a Textual theme; did you mean nord? (available: nord, textual-dark, ' \
           'textual-light)' in text


def test_the_module_is_pure():
    code = ("import sys, workbench.settings_file; "
            "assert not any(m.split('.')[0] == 'textual' or m.startswith('workbench.ui') for m in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_the_app_names_every_binding_id_and_the_readme_lists_them():
    from workbench.ui.keymap import app_names, binding_ids

    ids = binding_ids()
    assert {"period.next", "view.percent", "tab.cohorts", "table.down", "help.close"} <= set(ids)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert [i for i in ids if f"`{i}`" not in readme] == []
    # the README's example file is a good file
    example = readme.split("## Settings file", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    settings = parse_settings(tomllib.loads(example), Path("README.md"), app_names())
    assert settings.theme == "nord" and settings.keymap()["period.prev"] == "left_square_bracket,p"
    names = app_names()
    assert "textual-dark" in names.themes and "nord" in names.themes
    assert names.normalize_key("?") == "question_mark" and names.normalize_key("PageUp") == "pageup"
    assert names.normalize_key("rigth") is None


# ---------------------------------------------------------------- the command line


def record_open(monkeypatch, tmp_path: Path) -> tuple[dict, Path]:
    """The app replaced by a recorder of what `workbench open` hands it; returns (seen, a data file)."""
    import workbench.ui.app as app_module

    seen: dict = {}

    class FakeApp:
        return_code = 0

        def __init__(self, paths, load_options, settings, ascii_charts=False, source=None, keymap=None,
                     theme=None):
            seen.update(paths=paths, load_options=load_options, settings=settings, ascii_charts=ascii_charts,
                        source=source, keymap=keymap, theme=theme)

        def run(self):
            seen["ran"] = True

    monkeypatch.setattr(app_module, "RetentionApp", FakeApp)
    data = tmp_path / "e.csv"
    data.write_text("user_id,timestamp\nu1,2024-01-01\n")
    return seen, data


@pytest.fixture
def fake_app(monkeypatch, tmp_path):
    return record_open(monkeypatch, tmp_path)


def test_the_file_reaches_the_app_and_the_command_line_wins(fake_app, tmp_path, monkeypatch):
    seen, data = fake_app
    config = write(tmp_path, GOOD)
    result = CliRunner().invoke(cli_command(), [str(data), "--config", str(config)])
    assert result.exit_code == 0, result.output
    settings = seen["settings"]
    assert (settings.unit, settings.week_start, settings.retention, settings.margin) == ("week", "sunday",
                                                                                        "unbounded", 0.3)
    assert settings.period_given is False  # a preference: a cohort table is still read at its labels' period
    assert seen["ascii_charts"] is True and seen["theme"] == "nord"
    assert seen["keymap"] == {"period.next": "right_square_bracket,ctrl+n", "view.percent": "percent_sign,C"}
    # every flag given wins over the file
    result = CliRunner().invoke(cli_command(), [str(data), "--config", str(config), "--period", "month",
                                                "--week-start", "monday", "--retention", "classic",
                                                "--margin", "0.5", "--unicode"])
    assert result.exit_code == 0, result.output
    settings = seen["settings"]
    assert (settings.unit, settings.week_start, settings.retention, settings.margin) == ("month", "monday",
                                                                                        "classic", 0.5)
    assert settings.period_given is True and seen["ascii_charts"] is False


def test_workbench_config_and_the_default_place_are_read(fake_app, tmp_path, monkeypatch):
    seen, data = fake_app
    folder = tmp_path / "xdg" / "retention-workbench"
    folder.mkdir(parents=True)
    write(folder, 'theme = "dracula"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert CliRunner().invoke(cli_command(), [str(data)]).exit_code == 0
    assert seen["theme"] == "dracula"
    monkeypatch.setenv("WORKBENCH_CONFIG", str(write(tmp_path, 'theme = "nord"\n', "env.toml")))
    assert CliRunner().invoke(cli_command(), [str(data)]).exit_code == 0
    assert seen["theme"] == "nord"
    other = write(tmp_path, 'theme = "gruvbox"\n', "flag.toml")
    assert CliRunner().invoke(cli_command(), [str(data), "--config", str(other)]).exit_code == 0
    assert seen["theme"] == "gruvbox"


def test_no_file_changes_nothing(fake_app):
    seen, data = fake_app
    result = CliRunner().invoke(cli_command(), [str(data), "--unicode"])
    assert result.exit_code == 0, result.output
    assert seen["keymap"] == {} and seen["theme"] is None
    assert (seen["settings"].unit, seen["settings"].margin) == ("month", 1.0)


@pytest.mark.parametrize(("text", "expected"), [
    ('[defaults]\nperiod = "weekly"\n', 'defaults.period = "weekly" is not one of'),
    ('[keys]\n"period.nxt" = "n"\n', 'did you mean period.next'),
    ('theme = "nordic"\n', 'did you mean nord?'),
    ("theme = nord\n", "not valid TOML: Invalid value (at line 1, column 9)"),
])
def test_a_bad_file_stops_the_command_with_one_message_and_no_traceback(fake_app, tmp_path, text, expected):
    seen, data = fake_app
    config = write(tmp_path, text)
    result = CliRunner().invoke(cli_command(), [str(data), "--config", str(config)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"Error: Settings file {config}") and expected in result.stderr
    assert "Traceback" not in result.output and "ran" not in seen


def test_a_missing_config_file_stops_the_command(fake_app, tmp_path):
    seen, data = fake_app
    result = CliRunner().invoke(cli_command(), [str(data), "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "nope.toml: no such file" in result.stderr and "ran" not in seen


def test_a_bad_file_in_a_real_process_prints_no_traceback(tmp_path):
    config = write(tmp_path, '[defaults]\nmargin = -1\n')
    proc = subprocess.run([sys.executable, "-m", "workbench", "--config", str(config)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "defaults.margin = -1" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def cli_command():
    from workbench.cli import cli

    return cli


# ---------------------------------------------------------------- the app


@run_async
async def test_the_app_uses_the_files_keys_theme_and_period(files, monkeypatch, tmp_path):
    """The file read by `workbench`, then the real app started with what the command line handed over."""
    from textual.widgets import Footer

    from workbench.ui.app import RetentionApp
    from workbench.ui.help_screen import binding_rows

    config = write(tmp_path, '"theme" = "nord"\n[keys]\n"period.next" = "]"\n[defaults]\nperiod = "week"\n')
    with monkeypatch.context() as patch:
        seen, _ = record_open(patch, tmp_path)
        assert CliRunner().invoke(cli_command(), [*files, "--config", str(config)]).exit_code == 0
    app = RetentionApp(seen["paths"], seen["load_options"], seen["settings"], keymap=seen["keymap"],
                       theme=seen["theme"])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        assert app.theme == "nord" and app.current_theme.name == "nord"
        assert app.analysis.spec.unit == "week"  # the file's period: the app opens weekly
        screen = app.main
        last = app.analysis.step_count - 1
        assert screen.period == last
        await pilot.press("p")
        await pilot.pause()
        assert screen.period == last - 1
        await pilot.press("n")  # n is no longer next period
        await pilot.pause()
        assert screen.period == last - 1
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.period == last
        # the footer and the help show the key the file chose
        footer_keys = [k.key for k in screen.query_one(Footer).query("FooterKey")]
        assert "n" not in footer_keys
        # in its declared place, not last (Textual's keymap moves it there): on screen at 80 columns
        assert footer_keys[footer_keys.index("enter") + 1:][:3] == ["right_square_bracket", "p", "space"]
        moved = next(k for k in screen.query_one(Footer).query("FooterKey") if k.key == "right_square_bracket")
        assert moved.region.right <= 80 and moved.region.width > 0
        rows = {description: keys for keys, description, _ in binding_rows(screen)}
        assert rows["Next period"] == "]"
