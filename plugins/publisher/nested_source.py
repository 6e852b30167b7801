"""Rules defined inside a published function's body, read from its source without running it.

mod_python documents this way to protect one function::

    def secret(req):
        __auth_realm__ = "Members"
        __auth__ = {"admin": "s3cret"}
        def __access__(req, user):
            return user == "admin"
        return "data"

3.5 dug the values out of the bytecode. Here the function's source is parsed with ``ast``:
a rule bound at the top level of the body to a literal (string, number, dict, list, tuple,
set, True/False/None) is evaluated with ``ast.literal_eval``; a nested ``def`` of a rule is
compiled alone, with the module's globals (one that uses the outer function's locals is
not read). Anything else (no source, a rule bound by another statement or to an
expression, or inside an ``if``) gives None, and the caller refuses the request.
"""

import ast
import inspect
import linecache
import textwrap
import types

RULES = ("__auth__", "__access__", "__auth_realm__")
MEMO_SIZE = 1024
# id(code) -> (code, rules or None); the code is held so its id stays its own.
_memo = {}


def rules_in_body(func, names):
    """``{name: value}`` for each rule in ``names`` the body of ``func`` defines, or None when
    one of them cannot be read safely from the source."""
    code = getattr(func, "__code__", None)
    if not isinstance(code, types.CodeType):
        return None
    known = _memo.get(id(code))
    if known is None or known[0] is not code:
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        known = _memo[id(code)] = (code, _read(func, code))
    rules = known[1]
    if rules is None or not set(names) <= set(rules):
        return None
    return {name: rules[name] for name in names}


def _read(func, code):
    node = _function_node(func, code)
    if node is None:
        return None
    rules = {}
    for statement in node.body:
        name = _bound_rule(statement)
        if name is None:
            continue
        if isinstance(statement, ast.FunctionDef):
            # A nested def closing over the outer function's locals cannot be had alone.
            if set(code.co_cellvars).difference(RULES):
                return None
            value = _compile_def(statement, func, code)
            if value is None:
                return None
        else:
            try:
                value = ast.literal_eval(statement.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return None             # an expression: only running the function would tell
        rules[name] = value
    return rules



def _bound_rule(statement):
    if isinstance(statement, ast.FunctionDef) and statement.name in RULES:
        return statement.name
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in RULES:
        return statement.targets[0].id
    if isinstance(statement, ast.AnnAssign) and statement.value is not None \
            and isinstance(statement.target, ast.Name) and statement.target.id in RULES:
        return statement.target.id
    return None


def _function_node(func, code):
    """The ``def`` of ``func`` from its file, line numbers as in the file."""
    linecache.checkcache(code.co_filename)      # the file as it is now (a reload re-reads it)
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return None
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return None
    ast.increment_lineno(tree, first - 1)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == code.co_name:
            return node
    return None


def _compile_def(node, func, code):
    module = ast.Module(body=[node], type_ignores=[])
    namespace = {}
    try:
        exec(compile(module, code.co_filename, "exec"), func.__globals__, namespace)
    except Exception:       # a decorator failed: the rule cannot be had without guessing
        return None
    return namespace.get(node.name)
