// Elaboration-time parameter checks that Verilator, Yosys and Icarus all accept: Icarus has no
// $error in generate blocks, so there the check runs at time zero instead.
`ifndef ERN_ASSERT_SVH
`define ERN_ASSERT_SVH
`ifdef __ICARUS__
`define ERN_ELAB_CHECK(name, cond, msg) initial if (!(cond)) $fatal(1, msg);
`else
`define ERN_ELAB_CHECK(name, cond, msg) if (!(cond)) begin : name $error(msg); end
`endif
`endif
