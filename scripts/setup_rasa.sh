#!/usr/bin/env bash
# Create <project>/.venv-rasa with Python 3.10 and install the pinned Rasa NLU stack
# from nlu/requirements.txt. Idempotent: skips pip when the stamp file in the venv
# holds the same hash of the requirement list (and the interpreter version).
#
#   bash scripts/setup_rasa.sh            # install or verify
#   RASA_SETUP_FORCE=1 bash scripts/setup_rasa.sh   # reinstall even if stamp matches
#   RASA_PYTHON=/path/to/python3.10 bash scripts/setup_rasa.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
VENV="$ROOT/.venv-rasa"
REQ="$ROOT/nlu/requirements.txt"
STAMP="$VENV/.requirements.sha256"

log() { echo "setup_rasa: $*"; }
die() { echo "setup_rasa: ERROR: $*" >&2; exit 1; }
now() { date +%s; }

T0=$(now)
[ -f "$REQ" ] || die "requirement list $REQ not found"

# --- find a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10 only) ---
PY="${RASA_PYTHON:-}"
if [ -z "$PY" ] && command -v pyenv >/dev/null 2>&1; then
    if prefix="$(pyenv prefix 3.10 2>/dev/null)" && [ -x "$prefix/bin/python3.10" ]; then
        PY="$prefix/bin/python3.10"
    fi
fi
if [ -z "$PY" ] && command -v python3.10 >/dev/null 2>&1; then
    PY="$(command -v python3.10)"
fi
[ -n "$PY" ] || die "no Python 3.10 found: install it (e.g. 'pyenv install 3.10') or set RASA_PYTHON"
PYVER="$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" \
    || die "cannot run $PY"
case "$PYVER" in
    3.10.*) ;;
    *) die "$PY is Python $PYVER; Rasa 3.6 needs Python 3.10 (3.8-3.10)" ;;
esac
log "using $PY (Python $PYVER)"

HASH="$( { cat "$REQ"; echo "python=$PYVER"; } | sha256sum | cut -d' ' -f1)"

if [ -z "${RASA_SETUP_FORCE:-}" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ] \
        && [ -x "$VENV/bin/rasa" ] && "$VENV/bin/python" -c 'import rasa, jieba' >/dev/null 2>&1; then
    log "already installed in $VENV (stamp matches $REQ); nothing to do"
    exit 0
fi

# --- (re)create the venv if missing or built with another interpreter ---
if [ -x "$VENV/bin/python" ]; then
    VVER="$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || echo broken)"
    if [ "$VVER" != "$PYVER" ]; then
        log "existing venv has Python $VVER, recreating"
        rm -rf "$VENV"
    fi
fi
if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    "$PY" -m venv "$VENV" || die "could not create virtualenv $VENV"
fi
rm -f "$STAMP"

T1=$(now)
log "installing $(grep -cvE '^\s*(#|$)' "$REQ") pinned requirements (this takes a few minutes on a fresh machine)"
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -r "$REQ"; then
    die "pip install -r $REQ failed (see output above); is PyPI reachable?"
fi
T2=$(now)

# --- smoke check: imports, jieba tokenizer, rasa CLI ---
if ! "$VENV/bin/python" - <<'PY'
import logging
import jieba, rasa
jieba.setLogLevel(logging.WARNING)
assert list(jieba.cut("包工头欠我两万三")), "jieba produced no tokens"
print("setup_rasa: rasa", rasa.__version__, "jieba", jieba.__version__)
PY
then
    die "installed packages do not import; see the traceback above"
fi
"$VENV/bin/rasa" --version >/dev/null 2>&1 || die "'$VENV/bin/rasa --version' failed"

echo "$HASH" > "$STAMP"
T3=$(now)
log "pip install took $((T2 - T1)) s, checks $((T3 - T2)) s, total $((T3 - T0)) s"
log "done: activate with 'source $VENV/bin/activate' or call $VENV/bin/rasa"
