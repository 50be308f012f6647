// Synchronous single-read, single-write RAM with a write mask of SliceW-bit slices (64 by default,
// so that a host fills wide entries word by word; 8 for byte lanes). An entry no wider than a
// slice is written whole. Reads have one cycle of latency, as in a block RAM.
`include "ern_assert.svh"

module ern_ram #(
  parameter int Width  = 64,
  parameter int Depth  = 256,
  parameter int SliceW = 64,
  localparam int Words = (Width + SliceW - 1) / SliceW,
  localparam int AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [AddrW-1:0] waddr_i,
  input  logic [Words-1:0] wmask_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             re_i,
  input  logic [AddrW-1:0] raddr_i,
  output logic [Width-1:0] rdata_o
);
  `ERN_ELAB_CHECK(g_bad_shape, Width >= 1 && Depth >= 1 && SliceW >= 1, "ern_ram: Width, Depth and SliceW must be at least 1")
  // Slices need an entry that is a whole number of them.
  `ERN_ELAB_CHECK(g_bad_width, Width <= SliceW || Width % SliceW == 0, "ern_ram: Width must be a multiple of SliceW")

  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  if (Words == 1) begin : g_whole
    always_ff @(posedge clk_i) begin
      if (we_i && wmask_i[0]) mem_q[waddr_i] <= wdata_i;
    end
  end else begin : g_sliced
    always_ff @(posedge clk_i) begin
      if (we_i) begin
        for (int i = 0; i < Words; i++) begin
          if (wmask_i[i]) mem_q[waddr_i][i*SliceW +: SliceW] <= wdata_i[i*SliceW +: SliceW];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem_q[raddr_i];
  end
  assign rdata_o = rdata_q;
endmodule
