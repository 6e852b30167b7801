"""Temporary: ``python -m kernel.deploy --config FILE`` until ``greenphase serve`` calls serve()."""
import argparse
import sys

from .serve import add_arguments, serve

parser = argparse.ArgumentParser()
parser.add_argument("--config", "-f", required=True)
parser.add_argument("--plugins")
parser.add_argument("--plugin", action="append", default=[])
parser.add_argument("-D", dest="defines", action="append", default=[])
add_arguments(parser)
sys.exit(serve(parser.parse_args()))
