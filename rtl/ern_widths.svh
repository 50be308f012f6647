// Widths derived from the configuration, shared by the modules that need them.
`ifndef ERN_WIDTHS_SVH
`define ERN_WIDTHS_SVH
// The accumulator holds a sum over 3x3 taps and max_in_blocks blocks of 64 lanes of terms in
// [-3, 3]: |acc| <= 3 * 9 * 64 * max_in_blocks (55,296 for 2,048 channels: 17 bits).
`define ERN_ACC_W(max_in_blocks) ($clog2(3 * 9 * 64 * (max_in_blocks) + 1) + 1)
`endif
