// Verilator's runtime asks the program for the simulation time when a model does not keep its
// own; the unit tests do not use time.
double sc_time_stamp() { return 0; }
