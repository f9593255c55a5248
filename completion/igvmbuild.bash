# SPDX-License-Identifier: MIT
# bash completion for igvmbuild(1): verbs, each verb's options, and file arguments by type
# (templates and vTPM manifests *.xml, keys *.pem, firmware *.fd, stage 2 *.bin, IGVM files *.igvm,
# filesystems (directories or *.cpio),
# reference values *.json). Installed as $(BASHCOMPDIR)/igvmbuild, loaded by bash-completion.

_igvmbuild_build_opts='-t --template -o --output --kernel --stage2 --firmware --no-firmware
	--vtpm-manifest --no-vtpm --platform --policy --tdx-policy --sev-features --serial-port --kernel-base
	--kernel-size --id-key --author-key --family-id --image-id --id-version --svn --json
	--reference-values --filesystem --no-filesystem -h --help'
_igvmbuild_inspect_opts='--json --check --reference --allow-optional -h --help'
_igvmbuild_run_opts='--memory --vcpus --timeout --serial --qemu --expect-ready --no-igvm-cfg -h --help'
_igvmbuild_sev_features='restricted-injection alternate-injection debug-swap reflect-vc
	prevent-host-ibs btb-isolation vmpl-sss secure-tsc vmsa-reg-prot smt-protection'

# _igvmbuild_list WORDS: complete the last item of a comma-separated list from WORDS.
_igvmbuild_list()
{
	local prefix= last=$cur
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		last=${cur##*,}
	fi
	COMPREPLY=($(compgen -P "$prefix" -W "$1" -- "$last"))
	compopt -o nospace 2>/dev/null
}

_igvmbuild()
{
	local cur prev words cword
	_init_completion || return

	local verb= i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		build | inspect | run | help)
			verb=${words[i]}
			break
			;;
		esac
	done

	if [[ -z $verb ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'build inspect run help' -- "$cur"))
		fi
		return
	fi

	case $verb in
	help)
		COMPREPLY=($(compgen -W 'build inspect run' -- "$cur"))
		;;
	build)
		case $prev in
		-t | --template | --vtpm-manifest)
			_filedir xml
			return
			;;
		-o | --output)
			_filedir igvm
			return
			;;
		--kernel)
			_filedir '@(elf|ELF)'
			return
			;;
		--stage2)
			_filedir bin
			return
			;;
		--firmware)
			_filedir '@(fd|FD|bin)'
			return
			;;
		--id-key | --author-key)
			_filedir pem
			return
			;;
		--filesystem)
			# a directory tree or a cpio newc archive
			_filedir '@(cpio|CPIO)'
			return
			;;
		--reference-values)
			_filedir json
			return
			;;
		--platform)
			_igvmbuild_list 'snp native tdx'
			return
			;;
		--sev-features)
			_igvmbuild_list "$_igvmbuild_sev_features"
			return
			;;
		--id-version)
			COMPREPLY=($(compgen -W '1' -- "$cur"))
			return
			;;
		--policy | --tdx-policy | --serial-port | --kernel-base | --kernel-size | --family-id | --image-id | --svn)
			return # a number or hex string: nothing to offer
			;;
		esac
		COMPREPLY=($(compgen -W "$_igvmbuild_build_opts" -- "$cur"))
		;;
	inspect)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_igvmbuild_inspect_opts" -- "$cur"))
		else
			_filedir igvm
		fi
		;;
	run)
		case $prev in
		--serial)
			_filedir
			return
			;;
		--qemu)
			COMPREPLY=($(compgen -c -- "$cur"))
			return
			;;
		--memory | --vcpus | --timeout)
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_igvmbuild_run_opts" -- "$cur"))
		else
			_filedir igvm
		fi
		;;
	esac
} &&
	complete -F _igvmbuild igvmbuild
