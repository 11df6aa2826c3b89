# The liaison binary a script runs, in BIN: `liaison_binary release` or `liaison_binary debug`
# builds it with cargo. A debug run takes instead the binary LIAISON_BIN names, when set:
# scripts/test.sh sets it to the one `cargo test` built for the integration tests, since a
# `cargo build` after `cargo test` compiles every crate of the workspace again (the tests'
# dependencies are built with more features). Expects the script's `log`.
liaison_binary() {
    local profile=$1
    if [[ $profile == debug && -n ${LIAISON_BIN:-} ]]; then
        BIN=$LIAISON_BIN
        return
    fi
    if [[ $profile == release ]]; then
        log "cargo build --release"
        cargo build --release --quiet -p liaison
    else
        cargo build --quiet -p liaison
    fi
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/$profile/liaison
}
