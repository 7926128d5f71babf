// Loads lexwatch's shared libraries and does nothing else (issue 7, run by
// bench/floors.sh). floors.sh links it exactly as stack_floor, with
// --no-as-needed, so the dynamic loader maps and initialises every library
// although main uses none: the difference from stack_floor is what using
// them costs, the difference from bare is what loading them costs.
int main() { return 0; }
