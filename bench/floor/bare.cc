// The smallest C++ process (issue 7, run by bench/floors.sh): libc,
// libstdc++ and the loader, the share of peak RSS no program escapes.
int main() { return 0; }
