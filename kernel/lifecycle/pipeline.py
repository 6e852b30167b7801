"""The phase pipeline: Apache's request processing order over the plugins' phase hooks."""

import sys
import time
import traceback

from ..config.errors import ConfigError
from ..hookspecs import PHASE_NAMES, PLANNED_PHASES, RUN_FIRST_PHASES
from . import constants as C
from .error_response import respond, send_error
from .errors import (SERVER_RETURN, ClientGone, HandlerFailure, InvalidHeader, PhaseError,
                     apply_server_return)

OK, DECLINED, DONE = C.OK, C.DECLINED, C.DONE
MAX_REDIRECTS = 10


class Pipeline:
    """Per site: each phase's implementations in call order, looked up once."""

    def __init__(self, site):
        self.site = site
        used = {impl.plugin_name: impl.function(site=site)
                for impl in site.hook.phases_used.get_hookimpls()}
        self.impls = {}
        for phase in PHASE_NAMES + ("auth_required", "response_start"):
            caller = getattr(site.hook, phase)
            # pluggy calls the last-registered (and tryfirst) implementations first.
            self.impls[phase] = tuple(
                (i.plugin_name, i.function) for i in reversed(caller.get_hookimpls())
                if not (i.hookwrapper or i.wrapper)
                and (used.get(i.plugin_name) is None or phase in used[i.plugin_name]))
        self.config_askers = tuple((i.plugin_name, i.function)
                                   for i in site.hook.phases_for_config.get_hookimpls())
        self.plan_key = "kernel.plan"

    # -- the phase plan: per merged configuration, the implementations that act -----------
    def plan(self, req):
        """The phase plan of ``req.dir_config``: {phase: implementations}, made at the
        configuration's first request and kept in its memo."""
        config = req.dir_config
        plan = config.memo.get(self.plan_key)
        if plan is None:
            plan = config.memo[self.plan_key] = self.make_plan(config)
        return plan

    def make_plan(self, config):
        acts = {}
        for name, function in self.config_askers:
            try:
                phases = function(site=self.site, config=config)
            except Exception:
                self.site.log.error("phases_for_config of plugin %s raised (asking it for every "
                                    "phase):\n%s" % (name, traceback.format_exc().rstrip()))
                continue
            if phases is not None:
                acts[name] = frozenset(phases)
        if not acts:
            return self.impls
        plan = dict(self.impls)
        for phase in PLANNED_PHASES:
            plan[phase] = tuple((name, function) for name, function in self.impls[phase]
                                if name not in acts or phase in acts[name])
        return plan

    def response_start(self, req):
        """The ``response_start`` hook (see kernel.hookspecs): just before the head is made."""
        error = req._error_path
        for name, function in self.impls["response_start"]:
            try:
                function(req=req, error=error)
            except Exception:
                req.log_error("response_start hook of plugin %s raised:\n%s"
                              % (name, traceback.format_exc().rstrip()))

    def run(self, req, phase):
        """Run one phase; returns its result (see kernel.hookspecs for the rules)."""
        first = phase in RUN_FIRST_PHASES
        req.current_hook = phase
        plan = req._plan
        for name, function in (self.impls if plan is None else plan)[phase]:
            try:
                result = function(req)
            except SERVER_RETURN as exc:
                result = apply_server_return(req, exc)
            except BaseException:
                req.current_plugin = name       # for the error log
                raise
            if result is None or result == DECLINED:
                continue
            if result == OK and type(result) is int:
                if first:
                    return OK
                continue
            req.current_plugin = name       # who ended the phase (named if the result is invalid)
            return result
        return DECLINED if first else OK

    def internal_redirect(self, req, uri, method=None):
        """``req.internal_redirect``: a complete new request for ``uri`` inside this one."""
        internal_redirect(req, uri, method)

    def fast_redirect(self, req, uri):
        """Re-map ``req`` to ``uri`` in place (the core plugin's DirectoryIndex)."""
        return fast_redirect(req, uri)


def _stops(result):
    return result is not None and result != OK and result != DECLINED


def run_phases(req):
    """All phases up to the content handler. Returns (result, failure)."""
    pipeline = req.site.pipeline
    run = pipeline.run
    impls = pipeline.impls      # a run-all phase no plugin implements is OK: not even called
    try:
        if impls["post_read_request"] and req.main is None:    # sub-requests skip it, as in Apache
            result = run(req, "post_read_request")
            if _stops(result):
                return result, None
        req.dir_config = req.site.merger.location_config(req.server, req.uri)
        result = _required(req, "translate_name", "translate")
        if result != OK:
            return result, None
        result = run(req, "map_to_storage")
        if _stops(result):
            return result, None
        if not req._all_phases:
            req._plan = pipeline.plan(req)
            impls = req._plan
        result = _check_body_limit(req)
        if result is not None:
            return result, None
        if req.main is None and impls["header_parser"]:
            result = run(req, "header_parser")
            if _stops(result):
                return result, None
        result = _access_and_auth(req)
        if result != OK:
            return result, None
        result = _required(req, "type_checker", "find types")
        if result != OK:
            return result, None
        if impls["fixups"]:
            result = run(req, "fixups")
            if _stops(result):
                return result, None
        result = run(req, "handler")
        if result == DECLINED:
            return C.HTTP_NOT_FOUND, None
        return result, None
    except ClientGone:
        raise
    except PhaseError as exc:
        cause = exc.__cause__ or exc
        failure = HandlerFailure((type(cause), cause, cause.__traceback__), exc.where, exc.debug)
        return C.HTTP_INTERNAL_SERVER_ERROR, failure
    except ConfigError as exc:
        req.log_error(str(exc))
        return C.HTTP_INTERNAL_SERVER_ERROR, None
    except BaseException:   # SystemExit and KeyboardInterrupt included: one 500, never the server
        where = "%s hook of plugin %s" % (req.current_hook, req.current_plugin)
        return C.HTTP_INTERNAL_SERVER_ERROR, HandlerFailure(sys.exc_info(), where, False)


def _required(req, phase, what):
    """A run-first phase Apache insists someone answers: DECLINED from all is a 500."""
    result = req.site.pipeline.run(req, phase)
    if result == DECLINED:
        req.log_error("configuration error: couldn't %s for %s" % (what, req.uri))
        return C.HTTP_INTERNAL_SERVER_ERROR
    return result


def _auth_required(req):
    """The auth_required hook (first answer that is not None), without pluggy's call cost."""
    plan = req._plan
    for _, function in (req.site.pipeline.impls if plan is None else plan)["auth_required"]:
        answer = function(req=req)
        if answer is not None:
            return answer
    return False


def _check_body_limit(req):
    limit = req.dir_config["LimitRequestBody"]
    req._body.limit = limit
    if limit and req._body.declared_length is not None and req._body.declared_length > limit:
        req._resp.drop_connection()     # rather than read the body we refused
        req.log_error("Requested content-length of %d is larger than the configured limit of %d"
                      % (req._body.declared_length, limit))
        return C.HTTP_REQUEST_ENTITY_TOO_LARGE
    return None


def _access_and_auth(req):
    impls = req._plan or req.site.pipeline.impls
    if impls["access_checker"]:
        result = req.site.pipeline.run(req, "access_checker")
        if _stops(result):
            return result
    if not impls["auth_required"] or not _auth_required(req):
        return OK
    prev = req.prev or req.main
    if prev is not None and prev.dir_config is req.dir_config and prev.authenticated:
        # Same protection as the request we came from: Apache reuses its user. (Only one
        # that authentication accepted, not one merely read from the header.)
        req.user, req.ap_auth_type = prev.user, prev.ap_auth_type
        req.authenticated = True
        return OK
    result = _required(req, "check_user_id", "check user (no authn provider answered)")
    if result != OK:
        return result
    if not req.user:
        req.log_error("No authentication done but request not allowed without authentication "
                      "for %s. Authentication not configured?" % req.uri)
        return C.HTTP_INTERNAL_SERVER_ERROR
    req.authenticated = True
    return _required(req, "auth_checker", "check access (no authz provider answered)")


def process(req):
    """A whole main request: phases, response, logging, cleanups."""
    try:
        result, failure = run_phases(req)
        respond(req, result, failure)
    finally:
        finish_request(req)


def finish_request(req):
    final = req
    while final.next is not None:
        final = final.next
    try:
        try:
            req._resp.finish(final)
        except InvalidHeader as exc:
            final.log_error(str(exc))
            send_error(final, C.HTTP_INTERNAL_SERVER_ERROR)
            req._resp.finish(final)
    finally:
        _after(req, final)


def _after(req, final):
    site = req.site
    impls = site.pipeline.impls if req._plan is None else req._plan
    if impls["log_transaction"]:
        try:
            site.pipeline.run(req, "log_transaction")
        except BaseException:
            req.log_error("log_transaction raised:\n" + traceback.format_exc().rstrip())
    access = site.access_logs.get(req.server.id) if site.access_logs else None
    if access is not None:
        access.log(req, final, time.time())
    if req.next is None and not req._cleanups and not impls["request_cleanup"]:
        return                  # nothing registered to clean up: the common case
    chain = [req]
    while chain[-1].next is not None:
        chain.append(chain[-1].next)
    for r in reversed(chain):
        for callback, data in reversed(r._cleanups):
            try:
                callback(data)
            except BaseException:
                r.log_error("cleanup raised:\n" + traceback.format_exc().rstrip())
        try:
            site.pipeline.run(r, "request_cleanup")
        except BaseException:
            r.log_error("request_cleanup raised:\n" + traceback.format_exc().rstrip())


def internal_redirect(req, uri, method=None):
    """A complete new request for ``uri`` inside this one (Apache's ap_internal_redirect)."""
    depth, r = 0, req
    while r.prev is not None:
        depth, r = depth + 1, r.prev
    if depth >= MAX_REDIRECTS:
        req.log_error("Request exceeded the limit of %d internal redirects" % MAX_REDIRECTS)
        raise SERVER_RETURN(C.HTTP_INTERNAL_SERVER_ERROR)
    req._resp.forget_length()
    head = req._head.redirected(uri, method or req.method)
    new = req.site.request_class(req.site, req.server, req.connection, req._resp, head, req._body)
    new.prev = req
    req.next = new
    new.headers_in = req.headers_in
    new.err_headers_out = req.err_headers_out
    if req._useragent_addr is not None:
        new._useragent_addr = req._useragent_addr
    if req.scheme != new.scheme:
        new.scheme = req.scheme
    new.status = req.status
    env = new.subprocess_env
    for key, value in req.subprocess_env.items():
        env.add("REDIRECT_" + key, value)
    env["REDIRECT_STATUS"] = str(req.status)
    env["REDIRECT_URL"] = req.uri
    if req.args:
        env["REDIRECT_QUERY_STRING"] = req.args
    if new.method != req.method:
        env["REDIRECT_REQUEST_METHOD"] = req.method
    notes = req.notes.get("error-notes")
    if notes:
        env["REDIRECT_ERROR_NOTES"] = notes if isinstance(notes, str) else notes[0]
    result, failure = run_phases(new)
    respond(new, result, failure)


def fast_redirect(req, uri):
    """Re-map this request to ``uri`` in place (mod_dir's DirectoryIndex). The new file is
    checked as a request for it would be: its own access and authentication rules apply."""
    req.uri = uri
    req.filename = req.finfo = None
    req.path_info = ""
    req._content_type = req.handler = None
    req._plan = None
    pipeline = req.site.pipeline
    for phase in ("translate_name", "map_to_storage"):
        result = pipeline.run(req, phase)
        if _stops(result):
            return result
    if not req._all_phases:
        req._plan = pipeline.plan(req)
    result = _access_and_auth(req)
    if result != OK:
        return result
    return _required(req, "type_checker", "find types")
