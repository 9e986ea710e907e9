import subprocess
import sys

import pytest

import skinvariant
from skinvariant._cli import main


def test_version_flag(capsys):
    """Check that `--version` prints the package version and exits 0."""
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert skinvariant.__version__ in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    """Check that a bare call prints usage and returns a non-zero code."""
    assert main([]) == 2
    assert "usage: skinvariant" in capsys.readouterr().err


def test_python_dash_m():
    """Check that `python -m skinvariant --help` works as a module entry."""
    result = subprocess.run(
        [sys.executable, "-m", "skinvariant", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "skinvariant" in result.stdout
