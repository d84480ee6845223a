# Shared by the shell tests: `check NAME COMMAND...` counts a pass or prints a failure;
# `wait_for COMMAND...` polls every 20 ms for up to 10 s (bounded, never a bare sleep);
# `finish LABEL` prints the closing line CI reads and sets the exit status.
pass=0 fail=0
check() {
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; fi
}
wait_for() {
    for _ in $(seq 500); do "$@" >/dev/null 2>&1 && return 0; sleep 0.02; done
    return 1
}
no_temporaries() { ! ls -A "$1" | grep -q '\.tmp\.'; }
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
