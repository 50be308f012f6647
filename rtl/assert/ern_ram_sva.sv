// Assertions of the buffer RAM, bound into every ern_ram (the bind at the end); for simulation
// only (rtl/assert/sources.f). An address at or past Depth (possible when Depth is not a power of
// two) reads or writes a word that does not exist in the block RAM the RTL maps to.
module ern_ram_sva #(
  parameter int Depth = 256,
  localparam int AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
  input logic             clk_i,
  input logic             we_i,
  input logic [AddrW-1:0] waddr_i,
  input logic             re_i,
  input logic [AddrW-1:0] raddr_i
);
  // The RAM has no reset: the checks hold from the first edge (the enables come from reset logic).
  RamWriteInRange: assert property (@(posedge clk_i) we_i |-> 32'(waddr_i) < Depth)
    else $error("write to entry %0d of a RAM of %0d entries", waddr_i, Depth);
  RamReadInRange: assert property (@(posedge clk_i) re_i |-> 32'(raddr_i) < Depth)
    else $error("read of entry %0d of a RAM of %0d entries", raddr_i, Depth);
endmodule

bind ern_ram ern_ram_sva #(.Depth(Depth)) u_sva (.*);
