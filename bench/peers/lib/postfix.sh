# Postfix on loopback for the side-by-side benchmarks; sourced by the scripts in bench/peers.
# Installs it from Debian's packages when missing ("Local only"), delivers mail for localhost to
# ~/Maildir/ of a user it creates (benchbob), and adds an smtpd on 127.0.0.1:2525 that takes mail
# from loopback without sign-in. Postfix answers 250 only after the queue file is fsynced; its
# local(8) delivery to Maildir then runs in the background.

postfix_port=2525
postfix_user=benchbob

postfix_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

postfix_setup() {
    if ! command -v postfix >/dev/null 2>&1 && [ ! -x /usr/sbin/postfix ]; then
        echo "installing postfix (local only)" >&2
        echo "postfix postfix/main_mailer_type select Local only" | postfix_as_root debconf-set-selections
        echo "postfix postfix/mailname string localhost" | postfix_as_root debconf-set-selections
        postfix_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
    fi
    id "$postfix_user" >/dev/null 2>&1 || postfix_as_root useradd --create-home "$postfix_user"
    postfix_as_root /usr/sbin/postconf -e inet_interfaces=loopback-only inet_protocols=ipv4 mydestination=localhost \
        myhostname=localhost home_mailbox=Maildir/ mynetworks=127.0.0.0/8 \
        smtpd_recipient_restrictions=permit_mynetworks,reject
    postfix_as_root /usr/sbin/postconf -M "127.0.0.1:$postfix_port/inet=127.0.0.1:$postfix_port inet n - n - - smtpd"
    postfix_as_root /usr/sbin/postfix start 2>/dev/null || postfix_as_root /usr/sbin/postfix reload >/dev/null 2>&1
    sleep 2
}

postfix_stop() {
    postfix_as_root /usr/sbin/postfix stop >/dev/null 2>&1 || true
}

postfix_version() {
    /usr/sbin/postconf -h mail_version
}

# Messages delivered into benchbob's Maildir so far.
postfix_delivered() {
    local home
    home=$(getent passwd "$postfix_user" | cut -d: -f6)
    # Before the first delivery the Maildir does not exist yet: that is 0, not a failure.
    { postfix_as_root find "$home/Maildir/new" "$home/Maildir/cur" -type f 2>/dev/null || true; } | wc -l
}

# Waits (up to $1 seconds) until Postfix's queue is empty: everything accepted is delivered.
postfix_drain() {
    local limit=${1:-600}
    for _ in $(seq 1 $((limit * 10))); do
        if /usr/sbin/postqueue -p 2>/dev/null | grep -q "Mail queue is empty"; then return 0; fi
        sleep 0.1
    done
    echo "postfix still had mail queued after ${limit} s" >&2
    return 1
}

# Empties benchbob's Maildir, so each run starts from nothing and the disk does not fill up.
postfix_clear_maildir() {
    local home
    home=$(getent passwd "$postfix_user" | cut -d: -f6)
    postfix_as_root find "$home/Maildir" -type f -delete 2>/dev/null || true
}
