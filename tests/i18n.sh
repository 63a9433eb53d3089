#!/bin/sh
# Messages in the user's language: the error cases of the command line run
# under LANG=zh_TW.UTF-8 and in English (C.UTF-8). In both the exit status
# and the code are the same; in zh_TW the words are Chinese.
# Usage: i18n.sh RFPGEN SRCDIR
set -u
RFPGEN=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
if ! locale -a 2>/dev/null | grep -qi '^zh_TW\.utf-\{0,1\}8$'; then
	echo "SKIP: the zh_TW.UTF-8 locale is not installed (apt-get install locales; locale-gen zh_TW.UTF-8)"
	exit 77
fi
unset LANGUAGE LC_ALL LC_MESSAGES
printf '系統編號,委外類型,防護需求等級\nA,系統開發,高\n' >"$T/p.csv"
printf '<x' >"$T/bad.xml"
# case NAME ARGS...: both languages, same status and code; Chinese in zh_TW.
case_() {
	name=$1
	shift
	LANG=C.UTF-8 "$RFPGEN" "$@" >/dev/null 2>"$T/en"
	en=$?
	LANG=zh_TW.UTF-8 "$RFPGEN" "$@" >/dev/null 2>"$T/zh"
	zh=$?
	ce=$(grep -o '\[RFP-[A-Z0-9-]*\]' "$T/en" | sort | tr '\n' ' ')
	cz=$(grep -o '\[RFP-[A-Z0-9-]*\]' "$T/zh" | sort | tr '\n' ' ')
	if [ "$en" -ne "$zh" ] || [ "$ce" != "$cz" ] || [ -z "$ce" ]; then
		echo "FAIL $name: exit $en/$zh, codes '$ce' / '$cz'"
		fail=$((fail + 1))
	elif ! grep -q '錯誤\|警告' "$T/zh" || ! grep -q '提示' "$T/zh" || cmp -s "$T/en" "$T/zh"; then
		echo "FAIL $name: not in Chinese under zh_TW: $(head -n 1 "$T/zh")"
		fail=$((fail + 1))
	elif grep -q '錯誤' "$T/en"; then
		echo "FAIL $name: Chinese words in the English message: $(head -n 1 "$T/en")"
		fail=$((fail + 1))
	else
		echo "ok   $name: exit $en $ce| $(head -n 1 "$T/zh" | cut -c 1-100)"
		pass=$((pass + 1))
	fi
}
case_ unknown-type --type 系統開發 --level 高 -o "$T/a.docx"
case_ unknown-option --type cloud --lvl 高 -o "$T/a.docx"
case_ unknown-command lst
case_ option-not-used --type cloud --level 高 --to-level 中 -o "$T/a.docx"
case_ format-lie --type cloud --level 高 -o "$T/a.odt" -f docx
case_ bad-catalogue --type cloud --level 高 --catalogue "$T/bad.xml" -o "$T/a.docx"
case_ missing-catalogue --type cloud --level 高 --catalogue "$T/none.xml" -o "$T/a.docx"
case_ unknown-param --type cloud --level 高 --set nope=1 -o "$T/a.docx"
case_ missing-template --type cloud --level 高 -T "$T/none.docx" -o "$T/a.docx"
case_ batch-row batch "$T/p.csv" -O "$T/out"
case_ inspect-not-a-template inspect "$T/bad.xml"
for f in "$T/a.docx" "$T/a.odt"; do
	if [ -e "$f" ]; then echo "FAIL no-output: $f exists"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
