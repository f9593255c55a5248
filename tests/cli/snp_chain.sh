# SPDX-License-Identifier: MIT
#
# snp_chain.sh — generated AMD-style certificate chains for the report tests
# (t0510, t0520), made with the openssl CLI: an ARK, ASK and ASVK (RSA,
# signed with AMD's profile: RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48) and
# VCEK / VLEK leaves (EC P-384) carrying AMD's KDS extensions. The names and
# extensions are AMD's (CN=ARK-Milan, CN=SEV-Milan, 1.3.6.1.4.1.3704.1.*), the
# keys are ours: a verifier accepts such a chain only with --trusted-roots.
# Sourced; needs openssl.
#
#   snp_chain_init DIR                 DIR/ext.cnf with the CA sections
#   snp_vcek_ext DIR SECTION PRODUCT BL TEE SNP UCODE HWID [LINE...]
#                                      a leaf section; HWID is hex ("" for none);
#                                      LINEs are appended (more extensions)
#   snp_key DIR NAME rsa|p384|p256     DIR/NAME.key
#   snp_cert DIR NAME CN ISSUER SERIAL SECTION [DAYS [SIGOPT...]]
#                                      DIR/NAME.pem, signed by DIR/ISSUER (.pem/.key)
#                                      or by itself when ISSUER is "self"; SIGOPTs
#                                      replace the PSS profile (e.g. -sha384 alone for PKCS#1 v1.5)
#   snp_chain DIR                      the whole default chain: ark, ask, asvk, vcek
#                                      (TCB 0x6207000000000002, CHIP_ID 64 x C1 — what
#                                      the report generator writes by default), vlek
#   snp_crl DIR NAME [SERIAL...]       DIR/NAME.pem: a CRL of DIR/ark revoking the serials
#   snp_colons HEX                     "c1:c1:..."

SNP_PSS="-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -sigopt rsa_mgf1_md:sha384 -sha384"
SNP_CHIP=$(printf 'C1%.0s' $(seq 64))

snp_colons() {
	echo "$1" | sed 's/../&:/g; s/:$//'
}

snp_chain_init() {
	cat >"$1/ext.cnf" <<'EOF'
[ark]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[ask]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[ask_noca]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
EOF
}

# snp_der_int N: DER INTEGER 0-255
snp_der_int() {
	if [ "$1" -lt 128 ]; then printf '02:01:%02x' "$1"; else printf '02:02:00:%02x' "$1"; fi
}

snp_vcek_ext() {
	_d=$1 _s=$2 _p=$3 _bl=$4 _tee=$5 _snp=$6 _uc=$7 _hw=$8
	shift 8
	_ph=$(printf '%s' "$_p" | od -An -tx1 | tr -d ' \n' | sed 's/../&:/g; s/:$//')
	_pl=$(printf '%02x' "$(printf '%s' "$_p" | wc -c)")
	{
		echo "[$_s]"
		echo "1.3.6.1.4.1.3704.1.1=DER:02:01:00"
		echo "1.3.6.1.4.1.3704.1.2=DER:16:$_pl:$_ph"
		echo "1.3.6.1.4.1.3704.1.3.1=DER:$(snp_der_int "$_bl")"
		echo "1.3.6.1.4.1.3704.1.3.2=DER:$(snp_der_int "$_tee")"
		for _k in 4 5 6 7; do echo "1.3.6.1.4.1.3704.1.3.$_k=DER:02:01:00"; done
		echo "1.3.6.1.4.1.3704.1.3.3=DER:$(snp_der_int "$_snp")"
		echo "1.3.6.1.4.1.3704.1.3.8=DER:$(snp_der_int "$_uc")"
		[ -n "$_hw" ] && echo "1.3.6.1.4.1.3704.1.4=DER:$(snp_colons "$_hw")"
		for _l in "$@"; do echo "$_l"; done
	} >>"$_d/ext.cnf"
}

snp_key() {
	case $3 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1/$2.key" 2>/dev/null ;;
	p384) openssl ecparam -name secp384r1 -genkey -noout -out "$1/$2.key" 2>/dev/null ;;
	p256) openssl ecparam -name prime256v1 -genkey -noout -out "$1/$2.key" 2>/dev/null ;;
	esac
}

snp_cert() {
	_d=$1 _n=$2 _cn=$3 _iss=$4 _ser=$5 _sec=$6 _days=${7:-3650}
	shift 6
	[ $# -gt 0 ] && shift
	_sig=$SNP_PSS
	[ $# -gt 0 ] && _sig="$*"
	openssl req -new -key "$_d/$_n.key" -subj "/CN=$_cn" -out "$_d/$_n.csr" 2>/dev/null || return 1
	if [ "$_iss" = self ]; then
		# shellcheck disable=SC2086
		openssl x509 -req -in "$_d/$_n.csr" -signkey "$_d/$_n.key" -set_serial "$_ser" -days "$_days" \
			-extfile "$_d/ext.cnf" -extensions "$_sec" $_sig -out "$_d/$_n.pem" 2>/dev/null
	else
		# shellcheck disable=SC2086
		openssl x509 -req -in "$_d/$_n.csr" -CA "$_d/$_iss.pem" -CAkey "$_d/$_iss.key" -set_serial "$_ser" \
			-days "$_days" -extfile "$_d/ext.cnf" -extensions "$_sec" $_sig -out "$_d/$_n.pem" 2>/dev/null
	fi
}

snp_chain() {
	snp_chain_init "$1" &&
		snp_vcek_ext "$1" vcek Milan-B0 2 0 7 98 "$SNP_CHIP" &&
		snp_vcek_ext "$1" vlek Milan-B0 2 0 7 98 "" "1.3.6.1.4.1.3704.1.5=DER:16:0b:65:78:61:6d:70:6c:65:2e:63:6f:6d" &&
		snp_key "$1" ark rsa && snp_cert "$1" ark ARK-Milan self 0x010000 ark &&
		snp_key "$1" ask rsa && snp_cert "$1" ask SEV-Milan ark 0x010001 ask &&
		snp_key "$1" asvk rsa && snp_cert "$1" asvk SEV-VLEK-Milan ark 0x010101 ask &&
		snp_key "$1" vcek p384 && snp_cert "$1" vcek SEV-VCEK ask 0 vcek &&
		snp_key "$1" vlek p384 && snp_cert "$1" vlek SEV-VLEK asvk 0 vlek
}

snp_crl() {
	_d=$1 _n=$2
	shift 2
	rm -rf "$_d/ca.$_n"
	mkdir -p "$_d/ca.$_n"
	: >"$_d/ca.$_n/index.txt"
	echo 01 >"$_d/ca.$_n/crlnumber"
	cat >"$_d/ca.$_n/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $_d/ca.$_n/index.txt
crlnumber = $_d/ca.$_n/crlnumber
default_md = sha384
default_crl_days = 30
EOF
	for _c in "$@"; do
		openssl ca -config "$_d/ca.$_n/ca.cnf" -keyfile "$_d/ark.key" -cert "$_d/ark.pem" -revoke "$_c" \
			>/dev/null 2>&1 || return 1
	done
	# shellcheck disable=SC2086
	openssl ca -config "$_d/ca.$_n/ca.cnf" -keyfile "$_d/ark.key" -cert "$_d/ark.pem" -gencrl \
		$(echo "$SNP_PSS" | sed 's/ -sha384$//') -out "$_d/$_n.pem" >/dev/null 2>&1
}
