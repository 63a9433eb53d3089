# bash completion for rfpgen(1)                              -*- shell-script -*-
#
# Installed as share/bash-completion/completions/rfpgen. Self-contained: it
# uses only bash builtins, not the bash-completion helpers, so it also works
# when sourced directly (". completions/rfpgen.bash").

_rfpgen_commands='generate list explain params inspect diff batch review serve'
_rfpgen_types='顧問訓練 系統發展 維運服務 維運管理 雲端服務 consulting development operations cloud'
_rfpgen_levels='普 中 高 low moderate high'
_rfpgen_services='資安健診 資安監控 弱點掃描 滲透測試 社交工程演練 health-check soc vuln-scan pentest social-engineering'
_rfpgen_agency_levels='A B C D E'

# Options that take an argument (the next word is their value).
_rfpgen_argopts='-t --type -l --level --impact -o --output -f --format -T --template
-a --agency -p --project --date --set --baseline --catalogue --data-dir
--contract-value --to-type --to-level --to-baseline -O --output-dir -j --jobs --sheet
--encoding --report --exclude --include --tailoring --field --agency-checklist
--agency-checklist-dir --shard --ignore-column --pdf-standard --against --service --agency-level
--to-agency-level'

_rfpgen_catalogue_opts='--baseline --catalogue --data-dir'
_rfpgen_condition_opts='--contract-value --core-system --eu-personal-data --classified
--exclude --include --tailoring --service --agency-level'

# _rfpgen_add WORDS...: append the words matching $cur to COMPREPLY.
_rfpgen_add()
{
	local w out
	out=$(compgen -W "$*" -- "$cur")
	local IFS=$'\n'
	for w in $out; do
		COMPREPLY+=("$w")
	done
}

# _rfpgen_files [EXT...]: files (with one of the extensions, any case, if
# given) and directories to descend into.
_rfpgen_files()
{
	local IFS=$'\n' f ext lower
	compopt -o filenames 2>/dev/null
	for f in $(compgen -d -- "$cur"); do
		COMPREPLY+=("$f")
	done
	for f in $(compgen -f -- "$cur"); do
		[[ -d $f ]] && continue
		if (($# == 0)); then
			COMPREPLY+=("$f")
			continue
		fi
		lower=${f,,}
		for ext in "$@"; do
			if [[ $lower == *."$ext" ]]; then
				COMPREPLY+=("$f")
				break
			fi
		done
	done
}

_rfpgen_dirs()
{
	local IFS=$'\n' f
	compopt -o filenames 2>/dev/null
	for f in $(compgen -d -- "$cur"); do
		COMPREPLY+=("$f")
	done
}

# _rfpgen_value OPTION COMMAND: complete the value of OPTION. Returns 1 when
# OPTION takes no value.
_rfpgen_value()
{
	local opt=$1 cmd=$2 rfpgen=${COMP_WORDS[0]}
	case $opt in
	-t | --type | --to-type) _rfpgen_add "$_rfpgen_types" ;;
	-l | --level | --to-level) _rfpgen_add "$_rfpgen_levels" ;;
	--baseline | --to-baseline) _rfpgen_add 2021 2025 ;;
	--service) _rfpgen_add "$_rfpgen_services" ;;
	--agency-level | --to-agency-level) _rfpgen_add "$_rfpgen_agency_levels" ;;
	-f | --format)
		case $cmd in
		batch) _rfpgen_add docx odt pdf ;;
		diff | review) _rfpgen_add text json csv md ;;
		*) _rfpgen_add docx odt pdf json csv md ;;
		esac
		;;
	--encoding) _rfpgen_add utf-8 cp950 big5 ;;
	--impact)
		compopt -o nospace 2>/dev/null
		_rfpgen_add C=高,I=高,A=高,L=高 C=中,I=中,A=中,L=中 C=普,I=普,A=普,L=普
		;;
	--set)
		# Parameter names from the catalogue: "name　label" lines.
		local names
		names=$("$rfpgen" params 2>/dev/null | sed -n 's/^\([A-Za-z0-9_.-][A-Za-z0-9_.-]*\)　.*/\1=/p')
		compopt -o nospace 2>/dev/null
		_rfpgen_add "$names"
		;;
	-o | --output)
		if [[ $cmd == diff ]]; then
			_rfpgen_files
		elif [[ $cmd == review ]]; then
			_rfpgen_files json csv md txt xlsx docx odt
		else
			_rfpgen_files docx odt pdf json csv md
		fi
		;;
	-T | --template) _rfpgen_files docx dotx odt ott ;;
	--catalogue) _rfpgen_files xml ;;
	--report) _rfpgen_files json ;;
	--tailoring) _rfpgen_files csv xlsx ods ;;
	--agency-checklist) _rfpgen_files docx odt pdf ;;
	--pdf-standard) _rfpgen_add pdfa-2b none ;;
	--against) _rfpgen_files docx odt ;;
	--agency-checklist-dir) _rfpgen_dirs ;;
	-O | --output-dir | --data-dir) _rfpgen_dirs ;;
	--date) _rfpgen_add "$(date +%Y-%m-%d 2>/dev/null)" ;;
	--listen) _rfpgen_add 127.0.0.1:8080 ;;
	-a | --agency | -p | --project | --contract-value | -j | --jobs | --sheet | --exclude | \
	    --include | --field | --shard | --ignore-column | --workers | --max-upload | \
	    --max-requests | --request-timeout) ;;
	*) return 1 ;;
	esac
	return 0
}

_rfpgen()
{
	local cur prev cmd i w opts npos=0
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The command, if any, is the first argument.
	cmd=generate
	if ((COMP_CWORD > 1)); then
		case ${COMP_WORDS[1]} in
		generate | list | explain | params | inspect | diff | batch | review | serve) cmd=${COMP_WORDS[1]} ;;
		esac
	fi

	# --opt=value: bash splits it into "--opt" "=" "value".
	if [[ $cur == = ]] && ((COMP_CWORD > 1)); then
		cur=
		_rfpgen_value "$prev" "$cmd"
		return 0
	fi
	if [[ $prev == = ]] && ((COMP_CWORD > 2)); then
		_rfpgen_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cmd"
		return 0
	fi
	if [[ $cur == --*=* ]]; then
		# COMP_WORDBREAKS without '=': complete the part after it.
		local o=${cur%%=*} v=${cur#*=} pre
		pre="$o="
		cur=$v
		_rfpgen_value "$o" "$cmd" || return 0
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=$pre${COMPREPLY[i]}
		done
		return 0
	fi

	# The value of the previous option.
	if [[ $prev == -* ]] && _rfpgen_value "$prev" "$cmd"; then
		return 0
	fi

	# Positional arguments already given after the command.
	local skip=0
	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((skip)); then
			skip=0
			continue
		fi
		[[ $w == = ]] && { skip=1; continue; }
		case " ${_rfpgen_argopts//$'\n'/ } " in
		*" $w "*) skip=1; continue ;;
		esac
		[[ $w == -* ]] || ((npos++))
	done

	case $cmd in
	generate)
		opts="-t --type -l --level --impact -o --output -f --format -T --template
-a --agency -p --project --date --set --field --agency-checklist --agency-duties --pdf-standard
$_rfpgen_catalogue_opts $_rfpgen_condition_opts -q --quiet"
		;;
	list) opts="-t --type -l --level --impact -f --format -o --output --agency-duties
$_rfpgen_catalogue_opts $_rfpgen_condition_opts -q --quiet" ;;
	explain | params) opts="$_rfpgen_catalogue_opts" ;;
	inspect) opts="-f --format --data-dir -q --quiet" ;;
	diff)
		opts="-t --type -l --level --to-type --to-level --baseline --to-baseline --to-agency-level
-f --format -o --output --catalogue --data-dir --agency-duties $_rfpgen_condition_opts
-q --quiet"
		;;
	batch)
		opts="-O --output-dir -j --jobs --sheet --encoding -f --format -T --template --report --fail-fast
--progress --check --shard --ignore-column --agency-checklist-dir --pdf-standard --field -a --agency
-p --project --date --set -t --type -l --level --impact
$_rfpgen_catalogue_opts $_rfpgen_condition_opts -q --quiet"
		;;
	review) opts="--against -f --format --matrix -o --output -T --template --data-dir -q --quiet
--max-file-size --max-part-size --max-entries -h --help" ;;
	serve) opts="--listen --workers --max-upload --max-requests --request-timeout --data-dir
--baseline --no-pdf -q --quiet --list-routes -h --help" ;;
	esac

	if [[ $cur == -* ]]; then
		if ((COMP_CWORD == 1)); then
			opts="$opts -h --help -V --version"
		fi
		_rfpgen_add "$opts"
		return 0
	fi

	if ((COMP_CWORD == 1)); then
		_rfpgen_add "$_rfpgen_commands"
		return 0
	fi

	case $cmd in
	inspect) ((npos == 0)) && _rfpgen_files docx dotx odt ott ;;
	batch) ((npos == 0)) && _rfpgen_files csv xlsx ods ;;
	review) _rfpgen_files docx odt ;;
	explain) ;; # item ids (e.g. AC.ACCT.1) are not completed
	esac
	return 0
}

complete -F _rfpgen rfpgen
