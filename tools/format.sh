#!/usr/bin/env bash
# Formats ernsim's C++ with clang-format and .clang-format: the files git tracks under sim/, models/,
# tools/cli/, python/, tests/ and bench/ (*.cc, *.h).
#   tools/format.sh          rewrites every file that is not formatted
#   tools/format.sh --check  changes nothing; lists the files that are not formatted
# Exit status: 0 all formatted (or formatted now), 1 --check found unformatted files, 2 usage error,
# 3 clang-format is missing or failed.
set -uo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "tools/format.sh: unknown argument '$1' (expected --check or nothing)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "tools/format.sh: at most one argument" >&2; exit 2; }
command -v clang-format >/dev/null || { echo "tools/format.sh: clang-format not found (tools/setup.sh installs it)" >&2; exit 3; }

mapfile -t files < <(git ls-files -- 'sim/*.cc' 'sim/*.h' 'models/*.cc' 'models/*.h' 'tools/cli/*.cc' 'tools/cli/*.h' \
  'python/*.cc' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h')
[ ${#files[@]} -gt 0 ] || { echo "tools/format.sh: no sources found (not a git checkout?)" >&2; exit 3; }

if [ $check = 0 ]; then
  clang-format -i --style=file "${files[@]}" || { echo "tools/format.sh: clang-format failed" >&2; exit 3; }
  exit 0
fi
unformatted=0
for f in "${files[@]}"; do
  if ! out=$(clang-format --style=file --dry-run --Werror "$f" 2>&1); then
    if ! grep -q 'Wclang-format-violations' <<<"$out"; then
      echo "tools/format.sh: clang-format failed on $f: $out" >&2
      exit 3
    fi
    echo "not formatted: $f (tools/format.sh formats it)"
    unformatted=1
  fi
done
exit $unformatted
