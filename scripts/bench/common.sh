# Sourced by the benchmark scripts, run from the repository root: the parts they all share.

# Builds the release binary; sets $bin to it.
release_abmsync() {
    swift build -c release --product abmsync >/dev/null
    bin=$(pwd)/.build/release/abmsync
}

# generate_repository DIR N [generate.py options]: DIR made anew as a git repository of N generated
# accounts with their plans, in one commit by Val Park (the generated team's admin).
generate_repository() {
    local dir=$1 n=$2
    shift 2
    rm -rf "$dir"
    python3 scripts/bench/generate.py "$n" "$dir" "$@"
    git -C "$dir" init -q -b main
    git -C "$dir" add -A
    git -C "$dir" -c user.name=vp -c user.email=val@example.com commit -q -m "generated $n accounts"
}

# The machine and the build, for the results.
describe_machine() {
    echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "abmsync $(git rev-parse --short HEAD), $(swift --version 2>&1 | head -1)"
}
