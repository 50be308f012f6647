// Walks the spans of one DMA transfer: span (i1, i2) starts at addr0 + i1 * stride1 + i2 * stride2
// (i1 < n1 outer, i2 < n2 inner) and holds n entries of 2^ELog2 bytes, contiguous in memory.
// Addresses are kept with adders; beats come from shifts, since entry and beat sizes are powers
// of two. A span starts at a beat boundary (the program's pitches are multiples of the beat).
`include "ern_assert.svh"

module ern_span_walker #(
  parameter int MemBytes = 64
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        load_i,      // begin a transfer with these parameters
  input  logic [31:0] addr0_i,
  input  logic [31:0] stride1_i,
  input  logic [31:0] stride2_i,
  input  logic [15:0] n1_i,
  input  logic [15:0] n2_i,
  input  logic [31:0] n_i,
  input  logic [3:0]  elog2_i,
  input  logic        next_i,      // advance past the current span
  output logic        valid_o,     // a span is current
  output logic        last_o,      // the current span is the transfer's last
  output logic [31:0] addr_o,
  output logic [31:0] beats_o,
  output logic [15:0] i2_o,
  output logic [31:0] k_o          // spans before this one: i1 * n2 + i2
);
  localparam int MbLog2 = $clog2(MemBytes);
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 1 && (MemBytes & (MemBytes - 1)) == 0, "ern_span_walker: MemBytes must be a power of two")

  logic        valid_q, valid_d;
  logic [15:0] i1_q, i1_d, i2_q, i2_d, n1_q, n2_q;
  logic [31:0] outer_q, outer_d, addr_q, addr_d, k_q, k_d, stride1_q, stride2_q, n_q;
  logic [3:0]  elog2_q;

  // The walk: inner index first; outer_q is the address of the current outer span's first inner one.
  always_comb begin
    valid_d = valid_q;
    i1_d    = i1_q;
    i2_d    = i2_q;
    k_d     = k_q;
    outer_d = outer_q;
    addr_d  = addr_q;
    if (load_i) begin
      valid_d = (n1_i != 0) && (n2_i != 0) && (n_i != 0);
      i1_d    = '0;
      i2_d    = '0;
      k_d     = '0;
      outer_d = addr0_i;
      addr_d  = addr0_i;
    end else if (next_i && valid_q) begin
      valid_d = !last_o;
      k_d     = k_q + 32'd1;
      if (i2_q + 16'd1 != n2_q) begin
        i2_d   = i2_q + 16'd1;
        addr_d = addr_q + stride2_q;
      end else begin
        i2_d    = '0;
        i1_d    = i1_q + 16'd1;
        outer_d = outer_q + stride1_q;
        addr_d  = outer_q + stride1_q;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= 1'b0;
    else         valid_q <= valid_d;
  end

  // The position means something only while valid_q, and the shape is latched at load: no reset.
  always_ff @(posedge clk_i) begin
    i1_q    <= i1_d;
    i2_q    <= i2_d;
    k_q     <= k_d;
    outer_q <= outer_d;
    addr_q  <= addr_d;
    if (load_i) begin
      n1_q      <= n1_i;
      n2_q      <= n2_i;
      n_q       <= n_i;
      stride1_q <= stride1_i;
      stride2_q <= stride2_i;
      elog2_q   <= elog2_i;
    end
  end

  assign valid_o = valid_q;
  assign last_o  = (i1_q + 16'd1 == n1_q) && (i2_q + 16'd1 == n2_q);
  assign addr_o  = addr_q;
  assign i2_o    = i2_q;
  assign k_o     = k_q;
  // Entries per beat or beats per entry: a shift either way.
  localparam logic [4:0] MbLog2W = 5'(MbLog2);
  always_comb begin
    if ({1'b0, elog2_q} <= MbLog2W) begin
      beats_o = (n_q + (32'd1 << (MbLog2W - {1'b0, elog2_q})) - 32'd1) >> (MbLog2W - {1'b0, elog2_q});
    end else begin
      beats_o = n_q << ({1'b0, elog2_q} - MbLog2W);
    end
  end
endmodule
