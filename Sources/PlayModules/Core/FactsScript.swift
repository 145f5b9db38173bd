/// The one `sh` script `setup` runs on a host: it prints raw sources (os-release, uname,
/// /proc files, `ip` output, `id`, env, date) as NUL-separated `key=value` records, and leaves
/// every interpretation to `FactsParser`, so the target needs nothing but POSIX tools.
enum FactsScript {
    /// `timeout`: seconds any one lookup that can hang (a name lookup, the statfs of a mount: a
    /// dead NFS server) may take, Ansible's `gather_timeout`; with coreutils' or busybox's
    /// `timeout`, a lookup over it is killed and its facts left out.
    static func script(_ subsets: FactSubsets, timeout: Int = 10) -> String {
        var s = [#"_r() { printf '%s=%s\0' "$1" "$2"; }"#]
        s.append("_gt=\(max(1, timeout))")
        s.append(#"_gto() { if command -v timeout >/dev/null 2>&1; then timeout "$_gt" "$@"; else "$@"; fi; }"#)
        // platform, distribution, user, pkg_mgr, service_mgr, python: the minimal facts.
        if subsets.contains("platform") || subsets.contains("distribution") {
            s.append(#"""
                _r uname "$(uname -s -n -r -m; uname -v)"
                _ph=$(hostname 2>/dev/null || uname -n)
                _r hostname "$_ph"
                # Ansible's fqdn is Python's getfqdn(): the name's IPv4 address, looked up again.
                if command -v getent >/dev/null 2>&1; then
                  _pa=$(_gto getent ahostsv4 "$_ph" 2>/dev/null | awk '{print $1; exit}')
                  [ -n "$_pa" ] && _r fqdn_names "$(_gto getent hosts "$_pa" 2>/dev/null | head -n 1)"
                else
                  _r fqdn "$(_gto hostname -f 2>/dev/null)"
                fi
                _r bits "$(getconf LONG_BIT 2>/dev/null)"
                [ -r /etc/machine-id ] && _r machine_id "$(cat /etc/machine-id)"
                """#)
        }
        if subsets.contains("distribution") || subsets.contains("pkg_mgr") || subsets.contains("lsb") {
            s.append(#"""
                if [ -r /etc/os-release ]; then _r os_release "$(cat /etc/os-release)"; _r os_release_path /etc/os-release
                elif [ -r /usr/lib/os-release ]; then _r os_release "$(cat /usr/lib/os-release)"; _r os_release_path /usr/lib/os-release; fi
                [ -r /etc/debian_version ] && _r debian_version "$(cat /etc/debian_version)"
                """#)
        }
        if subsets.contains("date_time") {
            s.append(#"_r date "$(date '+%s %N %Z %z')""#)
        }
        if subsets.contains("env") {
            s.append(#"_r env "$(env)""#)
        }
        if subsets.contains("user") {
            s.append(#"""
                # One `id` ("uid=0(root) gid=0(root) [euid=...] groups=..."); the passwd entry of the effective uid.
                _pid=$(id)
                _r id "$_pid"
                case "$_pid" in *" euid="*) _pe=${_pid#* euid=} ;; *) _pe=${_pid#uid=} ;; esac
                _pe=${_pe%%[!0-9]*}
                _r passwd "$(getent passwd "$_pe" 2>/dev/null || awk -F: -v u="$_pe" '$3 == u' /etc/passwd 2>/dev/null)"
                """#)
        }
        if subsets.contains("pkg_mgr") {
            s.append(#"""
                _pm=
                for _c in dnf5 dnf yum apt-get zypper pacman apk emerge xbps-install pkg brew opkg swupd; do
                  command -v $_c >/dev/null 2>&1 && _pm="$_pm $_c"
                done
                _r pkg "$_pm"
                """#)
        }
        if subsets.contains("service_mgr") {
            s.append(#"""
                _r proc1 "$(cat /proc/1/comm 2>/dev/null)"
                _pi=
                [ -d /run/systemd/system ] && _pi="$_pi systemd"
                [ -e /sbin/openrc ] && _pi="$_pi openrc"
                command -v initctl >/dev/null 2>&1 && [ -d /etc/init ] && _pi="$_pi upstart"
                _r init "$_pi"
                """#)
        }
        if subsets.contains("python") {
            s.append(#"""
                for _c in python3 python; do
                  if _pp=$(command -v $_c 2>/dev/null); then _r python "$_pp $($_pp -V 2>&1)"; break; fi
                done
                """#)
        }
        if subsets.contains("dns") {
            s.append(#"[ -r /etc/resolv.conf ] && _r resolv "$(cat /etc/resolv.conf)""#)
        }
        if subsets.contains("cmdline") {
            s.append(#"[ -r /proc/cmdline ] && _r cmdline "$(cat /proc/cmdline)""#)
        }
        if subsets.contains("selinux") || subsets.contains("apparmor") || subsets.contains("fips") {
            s.append(#"""
                [ -r /sys/fs/selinux/enforce ] && _r selinux "$(cat /sys/fs/selinux/enforce)"
                [ -e /sys/kernel/security/apparmor ] && _r apparmor 1
                [ -r /proc/sys/crypto/fips_enabled ] && _r fips "$(cat /proc/sys/crypto/fips_enabled)"
                _r chroot "$(stat -c %d:%i / 2>/dev/null) $(stat -c %d:%i /proc/1/root/. 2>/dev/null)"
                """#)
        }
        if subsets.contains("ssh_pub_keys") {
            s.append(#"""
                for _f in /etc/ssh/ssh_host_*_key.pub; do [ -r "$_f" ] && _r "sshkey_${_f#/etc/ssh/ssh_host_}" "$(cat "$_f")"; done
                """#)
        }
        if subsets.contains("virtual") {
            s.append(#"""
                _pv=
                [ -e /.dockerenv ] && _pv="$_pv docker"
                [ -e /run/.containerenv ] && _pv="$_pv podman"
                grep -qs docker /proc/1/cgroup && _pv="$_pv docker"
                grep -qs 'container=lxc' /proc/1/environ && _pv="$_pv lxc"
                grep -qs '^flags.* hypervisor' /proc/cpuinfo && _pv="$_pv hypervisor"
                [ -e /dev/kvm ] && _pv="$_pv kvmhost"
                [ -r /sys/class/dmi/id/product_name ] && _r virt_product "$(cat /sys/class/dmi/id/product_name)"
                _r virt "$_pv"
                """#)
        }
        if subsets.contains("hardware") {
            s.append(#"""
                [ -r /proc/loadavg ] && _r loadavg "$(cat /proc/loadavg)"
                [ -r /etc/iscsi/initiatorname.iscsi ] && _r iscsi "$(cat /etc/iscsi/initiatorname.iscsi)"
                [ -r /etc/nvme/hostnqn ] && _r hostnqn "$(cat /etc/nvme/hostnqn)"
                # Mounts of block devices, and their sizes from one statfs of each.
                if [ -r /proc/mounts ]; then
                  _pm=$(grep -E '^/' /proc/mounts)
                  _r mounts "$_pm"
                  _pn=$(printf '%s\n' "$_pm" | awk '{print $2}')
                  [ -n "$_pn" ] && _r statfs "$(printf '%s\n' "$_pn" | while IFS= read -r _pp; do
                    _gto stat -f -c '%S %s %b %f %a %c %d %n' "$(printf '%b' "$_pp")" 2>/dev/null; done)"
                fi
                _r flags "$(grep -m1 -E '^(flags|Features)[[:space:]]*:' /proc/cpuinfo 2>/dev/null)"
                for _f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor \
                  board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type \
                  product_name product_serial product_uuid product_version sys_vendor; do
                  [ -r /sys/class/dmi/id/$_f ] && _r "dmi_$_f" "$(cat /sys/class/dmi/id/$_f 2>/dev/null)"
                done
                """#)
            s.append(#"""
                [ -r /proc/meminfo ] && _r meminfo "$(cat /proc/meminfo)"
                [ -r /proc/cpuinfo ] && _r cpuinfo "$(grep -E '^(processor|vendor_id|model name|physical id|cpu cores|siblings|Processor|Hardware|cpu model)[[:space:]]*:' /proc/cpuinfo)"
                _r nproc "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"
                [ -r /proc/uptime ] && _r uptime "$(cat /proc/uptime)"
                """#)
        }
        if subsets.contains("network") {
            // `ip` when present; otherwise the kernel's tables (/proc/net/route, /sys/class/net).
            s.append(#"""
                if command -v ip >/dev/null 2>&1; then
                  _r ip_addr "$(ip -o addr show 2>/dev/null)"
                  _r ip_link "$(ip -o link show 2>/dev/null)"
                  _r route4 "$(ip -4 route get 8.8.8.8 2>/dev/null)"
                  _r route6 "$(ip -6 route get 2404:6800:4001::1 2>/dev/null)"
                  _r local4 "$(ip -4 route show table local 2>/dev/null)"
                  _r local6 "$(ip -6 route show table local 2>/dev/null)"
                else
                  [ -r /proc/net/route ] && _r proc_route "$(cat /proc/net/route)"
                  for _d in /sys/class/net/*; do
                    [ -e "$_d" ] || continue
                    _r "sys_${_d##*/}" "$(cat "$_d/address" "$_d/mtu" "$_d/flags" "$_d/type" 2>/dev/null | tr '\n' ' ')"
                  done
                fi
                """#)
        }
        return s.joined(separator: "\n")
    }
}
