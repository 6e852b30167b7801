"""Templates recorded with mod_python 3.5's own PSP parser (``record_parser_cases.py``):
each must write here exactly what its generated code wrote there."""

import json
from pathlib import Path

import pytest

from psp_helpers import run_string

CASES = json.loads(Path(__file__).with_name("mod_python_parser_cases.json").read_text())


def test_the_recording_is_there():
    assert len(CASES) >= 400


@pytest.mark.parametrize("template, written", CASES, ids=range(len(CASES)))
def test_same_output_as_mod_python(template, written):
    assert run_string(template) == written
