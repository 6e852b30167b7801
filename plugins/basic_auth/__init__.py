"""The basic_auth plugin: Apache 2.4's Basic authentication and Require authorization, the
Apache 2.2 access control it still runs (Order/Allow/Deny/Satisfy, <Limit>), and mod_python's
request API for them (semantics sections 1.1, 7).

Phases, as Apache runs them:

* ``access_checker`` (last): Order/Allow/Deny (mod_access_compat), then Require decided
  without a user -> 403 when denied. With ``Satisfy Any`` a permitted host skips Require and
  authentication altogether, and a refused one is left to Require.
* ``auth_required``: True when Require needs a user; only then the kernel runs
* ``check_user_id``: first, 401 when Basic credentials are missing or unusable; last
  (after PythonAuthenHandler) the credentials against AuthUserFile, and
* ``auth_checker`` (last, after PythonAuthzHandler): Require with ``req.user``.
* ``error_page`` (first): every 401 of an ``AuthType Basic`` resource carries the challenge,
  whoever answered it.

What each phase needs of the configuration is worked out once per merged configuration and
method (:mod:`.plan`: the Require tree folded, the Order/Allow/Deny lines of the method, the
Basic settings) and the phases with nothing to do there are left out of the kernel's phase
plan (``phases_for_config``).
"""

from greenphase import DECLINED, OK, hookimpl
from greenphase import constants as C
from greenphase import BadCredentials, NoCredentials

from . import authz
from .credentials import add_challenge, charset, decoded_credentials
from .directives import DIRECTIVES, policy
from .plan import PLAN_KEYS, acting_phases, plan_of
from .userfiles import FileError, decoy_hash, password_matches, stored_hash


@hookimpl
def register_directives():
    return DIRECTIVES


@hookimpl
def apache_modules():
    return ("auth_basic", "authn_core", "authn_file", "authz_core", "authz_user",
            "authz_groupfile", "authz_host")


# Each hook finds its plan with ``memo.get(PLAN_KEYS.get(method)) or plan_of(req)``: the
# remembered plan without a function call (a made-up method has no key, so no plan).

# Outcomes that refuse the request before anyone logs in (a "not denied" is not granted).
_REFUSED = (authz.DENIED, authz.NEUTRAL)


def _deny(req):
    req.log_error("client denied by server configuration: %s" % (req.filename or req.uri))
    return C.HTTP_FORBIDDEN


@hookimpl
def phases_used(site):
    """None of them when no section sets an access or auth directive (and no .htaccess may)."""
    if site.config.allows_htaccess():
        return None
    keys = {d.store_as for d in DIRECTIVES}
    if any(key in values for values in site.config.value_sets() for key in keys):
        return None
    return ()


@hookimpl
def phases_for_config(site, config):
    """The phases this plugin acts in under ``config`` (``plan.acting_phases``): none but the
    authentication pair, which runs only when a user is required, where Require grants all."""
    return acting_phases(config)


@hookimpl(trylast=True)
def access_checker(req):
    """Apache's access_checker (Order/Allow/Deny) and access_checker_ex (Require before
    anyone logged in), joined as Satisfy says."""
    # A user read by get_basic_auth_pw before authentication is not authenticated (Apache
    # clears it before check_user_id).
    peeked = req.plugin_state.pop("basic_auth.peeked", None)
    if peeked is not None and req.user == peeked:
        req.user = req.ap_auth_type = None
    plan = req.dir_config.memo.get(PLAN_KEYS.get(req.method)) or plan_of(req)
    permits = plan.permits
    if permits is not None:
        if not permits(req):
            denied = _deny(req)
            if not plan.satisfy_any:
                return denied
        elif plan.satisfy_any:
            return None
    outcome = plan.outcome
    if outcome.__class__ is not str:
        outcome = outcome(req)
    return _deny(req) if outcome in _REFUSED else None


@hookimpl
def auth_required(req):
    plan = req.dir_config.memo.get(PLAN_KEYS.get(req.method)) or plan_of(req)
    permits = plan.permits
    if permits is not None and plan.satisfy_any and permits(req):
        return False
    outcome = plan.outcome
    if outcome.__class__ is not str:
        outcome = outcome(req)
    return outcome == authz.NEEDS_USER


def _basic_credentials(req):
    """(user, password) of an ``AuthType Basic`` request, or the status to answer: None when
    the resource is not Basic, 500 without AuthName, 401 without usable credentials."""
    plan = req.dir_config.memo.get(PLAN_KEYS.get(req.method)) or plan_of(req)
    if not plan.basic:
        return None
    if not plan.realm:
        req.log_error("need AuthName: %s" % req.uri)
        return C.HTTP_INTERNAL_SERVER_ERROR
    req.ap_auth_type = "Basic"
    try:
        return decoded_credentials(req, plan.codec)
    except NoCredentials:
        return C.HTTP_UNAUTHORIZED
    except BadCredentials as exc:
        req.log_error("%s: %s" % (exc, req.uri), C.APLOG_INFO)
        return C.HTTP_UNAUTHORIZED


@hookimpl(specname="check_user_id", tryfirst=True)
def ask_for_credentials(req):
    """mod_auth_basic's first step, before any PythonAuthenHandler: a Basic resource asked
    for without usable Basic credentials is answered 401 at once (as Apache does whatever
    AuthBasicAuthoritative says; the handler could only have refused too)."""
    plan = req.dir_config.memo.get(PLAN_KEYS.get(req.method)) or plan_of(req)
    if not plan.basic:
        return None
    if plan.realm:                          # the usual case, without a second call
        req.ap_auth_type = "Basic"
        try:
            decoded_credentials(req, plan.codec)    # remembered for get_basic_auth_pw
            return None
        except (NoCredentials, BadCredentials):
            pass
    found = _basic_credentials(req)         # the answer and its log line, as the last step's
    return found if isinstance(found, int) else None


@hookimpl(trylast=True)
def check_user_id(req):
    """mod_auth_basic's provider step: only when no PythonAuthenHandler (or other plugin)
    answered, the credentials are checked against AuthUserFile."""
    found = _basic_credentials(req)
    if found is None or isinstance(found, int):
        return found
    name, password = found
    result = _check_password_file(req, name, password)
    if result == OK:
        req.user = name
    return result


def _check_password_file(req, name, password):
    """mod_authn_file: OK, 401, or with ``AuthBasicAuthoritative Off`` DECLINED for an
    unknown user or a missing/unreadable file (a wrong password stays 401). The file is
    compared with the bytes the client sent."""
    codec = charset(req)
    authoritative = req.dir_config["AuthBasicAuthoritative"]
    path = req.dir_config["AuthUserFile"]
    if not path:
        req.log_error("No Authn provider configured (AuthUserFile) for %s" % req.uri)
        return DECLINED if not authoritative else C.HTTP_INTERNAL_SERVER_ERROR
    try:
        stored = stored_hash(path, name.encode(codec))
    except FileError as exc:
        req.log_error("AuthUserFile: %s" % exc)
        return DECLINED if not authoritative else C.HTTP_INTERNAL_SERVER_ERROR
    if stored is None:
        if not authoritative:
            return DECLINED
        # As slow as a real check, so the answer's timing does not tell which names exist.
        password_matches(password.encode(codec), decoy_hash())
        req.log_error("user %r not found: %s" % (name, req.uri))
        return C.HTTP_UNAUTHORIZED
    try:
        matches = password_matches(password.encode(codec), stored)
    except ValueError as exc:
        req.log_error("AuthUserFile %s, user %r: %s" % (path, name, exc))
        matches = False
    if not matches:
        req.log_error('user %r: authentication failure for "%s": Password Mismatch' % (name, req.uri))
        return C.HTTP_UNAUTHORIZED
    return OK


@hookimpl(trylast=True)
def auth_checker(req):
    """mod_authz_core with a user: 401 on refusal so the browser asks again (403 when the
    resource has no AuthType to ask with)."""
    plan = req.dir_config.memo.get(PLAN_KEYS.get(req.method)) or plan_of(req)
    outcome = plan.outcome
    try:
        if outcome.__class__ is not str:
            outcome = outcome(req)
    except FileError as exc:
        req.log_error("AuthGroupFile: %s" % exc)
        return C.HTTP_INTERNAL_SERVER_ERROR
    if outcome == authz.GRANTED:
        return OK
    if not req.dir_config["AuthType"]:
        req.log_error("client denied by server configuration: %s" % (req.filename or req.uri))
        return C.HTTP_FORBIDDEN
    req.log_error('user %r: authorization failure for "%s"' % (req.user, req.uri))
    return C.HTTP_UNAUTHORIZED


@hookimpl(tryfirst=True)
def error_page(req, status, failure):
    if status == C.HTTP_UNAUTHORIZED:
        add_challenge(req)
    return None


# -- mod_python's request API --------------------------------------------------------------

def get_basic_auth_pw(req):
    """The Basic password (str), setting ``req.user`` and ``req.ap_auth_type``; None when the
    resource is not ``AuthType Basic`` with an AuthName, or the header is missing or unusable
    (then the challenge is queued for a 401)."""
    plan = req.dir_config.memo.get(PLAN_KEYS.get(req.method)) or plan_of(req)
    if not plan.basic:
        return None
    if not plan.realm:
        req.log_error("need AuthName: %s" % req.uri)
        return None
    try:
        user, password = decoded_credentials(req, plan.codec)
    except (NoCredentials, BadCredentials):
        add_challenge(req)
        return None
    req.user, req.ap_auth_type = user, "Basic"
    req.plugin_state["basic_auth.peeked"] = user
    return password


def auth_name(req):
    return req.dir_config["AuthName"]


def auth_type(req):
    return req.dir_config["AuthType"]


def requires(req):
    """The arguments of every Require line that applies to the request's method
    (``('valid-user',)``)."""
    rules = policy(req.dir_config)
    return rules.texts(req.method) if rules is not None else ()


@hookimpl
def request_methods():
    return {"get_basic_auth_pw": get_basic_auth_pw, "auth_name": auth_name,
            "auth_type": auth_type, "requires": requires}
