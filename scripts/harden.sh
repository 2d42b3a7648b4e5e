#!/usr/bin/env bash
# Fuzz the whole OpenAPI with schemathesis, as a non-superuser district account admin would call it: every
# operation, >= 100 generated examples each, every check (server errors, status codes and response bodies that
# contradict the schema, content types, headers). Runs on a throwaway SQLite database with the demo data.
# Usage: make harden   (EXAMPLES=100 PORT=8765 USER_NAME=pudong_admin by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8765}
EXAMPLES=${EXAMPLES:-100}
USER_NAME=${USER_NAME:-pudong_admin}
export SHEQUYUN_VAR_DIR="$PWD/var/harden" DEBUG=0 OTP_REQUIRED_ROLES="" ALLOWED_HOSTS=127.0.0.1
export DJANGO_SETTINGS_MODULE=shequyun.settings.base API_AUTH_THROTTLE=100000/min
rm -rf "$SHEQUYUN_VAR_DIR" && mkdir -p "$SHEQUYUN_VAR_DIR"
$PY manage.py migrate --noinput -v0
for command in load_divisions load_demo load_demo_scenarios; do $PY manage.py "$command" >/dev/null; done
for command in load_demo_content load_demo_security load_demo_dataassets; do
  $PY manage.py help "$command" >/dev/null 2>&1 && $PY manage.py "$command" >/dev/null
done
TOKEN=$($PY manage.py shell -c "
from rest_framework.authtoken.models import Token
from accounts.models import User
user = User.objects.get(username='$USER_NAME')
assert not user.is_superuser
User.objects.filter(pk=user.pk).update(must_change_password=False)
print(Token.objects.get_or_create(user=user)[0].key)" | tail -n1 | tr -d "[:space:]")
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$SHEQUYUN_VAR_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz/" 2>/dev/null && break; sleep 0.5; done
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/schema/" \
  --header "Authorization: Token $TOKEN" --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance --max-examples "$EXAMPLES" \
  --exclude-path-regex '/auth/password/' --report junit --report-dir "$SHEQUYUN_VAR_DIR/report" "$@"
