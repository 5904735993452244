"""The project's set-up: environment.yml mirrors pyproject.toml, and importing is cheap."""

import pathlib
import re
import subprocess
import sys
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _normalise(requirement):
    name, spec = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    listed = [d for d in conda if isinstance(d, str) and not d.startswith(("python", "pip"))]
    assert sorted(map(_normalise, listed)) == sorted(set(map(_normalise, wanted)))


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in conda


def test_import_loads_no_heavy_modules():
    # Import cost itself is measured by `make bench` (no timed assertions in tests).
    code = (
        "import sys, convbook; "
        "print(sorted(m for m in ('scipy.signal', 'scipy.sparse', 'scipy.ndimage', 'torch', "
        "'matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"import convbook loaded {out.stdout.strip()}"


def test_lazy_submodules_load_on_first_use():
    import convbook

    for name in convbook._LAZY_MODULES:  # every lazy name must import
        assert getattr(convbook, name).__name__ == f"convbook.{name}"
    assert not hasattr(convbook, "no_such_module")  # AttributeError, as hasattr expects
