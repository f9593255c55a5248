# SPDX-License-Identifier: MIT
# bash completion for igvmmeasure(1): global options, then either a verb that needs no IGVM file
# (ovmf, tdvf, id-block, verify-id-block, report) or an IGVM file followed by measure or sign; each verb's
# options, and file arguments by type (*.igvm, *.fd firmware, *.pem keys, *.bin blocks and reports,
# certificates). Installed as $(BASHCOMPDIR)/igvmmeasure, loaded by bash-completion.

_igvmmeasure_global='-v --verbose -c --check-kvm -p --platform -n --native-zero -j --jobs --json
	-h --help --version'
_igvmmeasure_measure='-i --ignore-idblock -b --bare -j --jobs --json --stats -h --help'
_igvmmeasure_sign='--output --id-key --author-key --family-id --image-id --svn --version --replace
	--json -h --help'
_igvmmeasure_ovmf='--mode --ovmf --vcpus --vcpu-type --vcpu-sig --vcpu-family --vcpu-model
	--vcpu-stepping --vmm-type --kernel --initrd --append --guest-features --snp-ovmf-hash --dump-vmsa
	--svsm --vars-size --vars-file --output-format --json -v --verbose -h --help'
_igvmmeasure_tdvf='--firmware --ovmf --page-order --json -v --verbose -h --help'
_igvmmeasure_id_block='--digest --measurement --igvm --policy --id-key --author-key --version
	--family-id --image-id --svn --id-block-out --id-auth-out --json -h --help'
_igvmmeasure_verify='--id-block --id-auth --igvm --expect-digest --expect-measurement --expect-policy
	--id-key --author-key --json -h --help'
_igvmmeasure_report='--expect-measurement --igvm --expect-policy --expect-id-key --expect-author-key
	--expect-report-data --expect-host-data --vcek --json -h --help'

_igvmmeasure()
{
	local cur prev words cword
	_init_completion || return

	# Find the verb: the first word that is not an option or an option's value, and for
	# FILE measure|sign the word after the file.
	local i verb= file=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-p | --platform | -j | --jobs)
			((i++))
			;;
		-*) ;;
		ovmf | tdvf | id-block | verify-id-block | report)
			[[ -z $file ]] && verb=${words[i]} && break
			;;
		*)
			if [[ -z $file ]]; then
				file=${words[i]}
			else
				verb=${words[i]}
				break
			fi
			;;
		esac
	done

	case $prev in
	-p | --platform)
		COMPREPLY=($(compgen -W 'sev sev-es sev-snp tdx' -- "$cur"))
		return
		;;
	-j | --jobs | --vcpus | --vcpu-sig | --vcpu-family | --vcpu-model | --vcpu-stepping | --svn | \
		--policy | --expect-policy | --vars-size | --guest-features | --family-id | --image-id | \
		--digest | --measurement | --expect-digest | --expect-measurement | --snp-ovmf-hash | \
		--expect-report-data | --expect-host-data | --append)
		return
		;;
	--version)
		[[ $verb == sign || $verb == id-block ]] && COMPREPLY=($(compgen -W '1' -- "$cur"))
		return
		;;
	--igvm)
		_filedir igvm
		return
		;;
	--ovmf | --svsm | --vars-file | --firmware)
		_filedir '@(fd|FD|bin)'
		return
		;;
	--id-key | --author-key | --expect-id-key | --expect-author-key)
		_filedir pem
		return
		;;
	--vcek)
		_filedir '@(pem|der|crt|cer)'
		return
		;;
	--output)
		_filedir igvm
		return
		;;
	--id-block | --id-auth | --id-block-out | --id-auth-out)
		_filedir bin
		return
		;;
	--kernel | --initrd)
		_filedir
		return
		;;
	--mode)
		COMPREPLY=($(compgen -W 'sev seves snp snp:ovmf-hash snp:svsm' -- "$cur"))
		__ltrim_colon_completions "$cur"
		return
		;;
	--vmm-type)
		COMPREPLY=($(compgen -W 'QEMU ec2 gce' -- "$cur"))
		return
		;;
	--page-order)
		COMPREPLY=($(compgen -W 'single-pass two-pass' -- "$cur"))
		return
		;;
	--output-format)
		COMPREPLY=($(compgen -W 'hex base64' -- "$cur"))
		return
		;;
	--vcpu-type)
		# The CPU types igvmmeasure knows, from its own help text.
		local types
		types=$("${words[0]}" ovmf --help 2>/dev/null | sed -n 's/^CPU types: *//p')
		COMPREPLY=($(compgen -W "$types" -- "$cur"))
		return
		;;
	esac

	case $verb in
	'')
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_igvmmeasure_global" -- "$cur"))
		elif [[ -z $file ]]; then
			_filedir igvm
			COMPREPLY+=($(compgen -W 'ovmf tdvf id-block verify-id-block report help' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'measure sign' -- "$cur"))
		fi
		;;
	measure)
		COMPREPLY=($(compgen -W "$_igvmmeasure_measure" -- "$cur"))
		;;
	sign)
		COMPREPLY=($(compgen -W "$_igvmmeasure_sign" -- "$cur"))
		;;
	ovmf)
		COMPREPLY=($(compgen -W "$_igvmmeasure_ovmf" -- "$cur"))
		;;
	tdvf)
		COMPREPLY=($(compgen -W "$_igvmmeasure_tdvf" -- "$cur"))
		;;
	id-block)
		COMPREPLY=($(compgen -W "$_igvmmeasure_id_block" -- "$cur"))
		;;
	verify-id-block)
		COMPREPLY=($(compgen -W "$_igvmmeasure_verify" -- "$cur"))
		;;
	report)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_igvmmeasure_report" -- "$cur"))
		else
			_filedir bin
		fi
		;;
	esac
} &&
	complete -F _igvmmeasure igvmmeasure
