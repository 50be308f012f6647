// Verilator's runtime asks the program for the time when a model keeps none (plain C++ models).
double sc_time_stamp() { return 0; }
