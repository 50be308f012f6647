// The data side's walk of a DMA, shared by the read and the write DMA: the transfers and spans of a
// command (ern_xfer_seq) and, within each span, its entries one per step (an entry larger than a
// beat one beat-sized slice per step), with the engine buffer's bank and entry each one has.
// Entry x of span k goes to bank x mod 2^banks_log2, entry base + k * kstride + x / 2^banks_log2;
// with bank_by_span the span index picks the bank instead (the embedding tables, one per colour).
`include "ern_assert.svh"

module ern_dma_entries #(
  parameter int         MemBytes = 64,
  parameter logic [2:0] EndXfer  = ern_pkg::LoadEnd  // or StoreEnd (every instance sets it)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,
  input  logic [2:0]  first_i,
  input  logic [2:0]  last_i,
  input  logic        busy_i,
  // The current transfer, as the DMA decodes it (ern_xfer_seq), and where its entries go.
  output logic [2:0]  xfer_o,
  input  logic        enabled_i,
  input  logic [31:0] addr0_i,
  input  logic [31:0] stride1_i,
  input  logic [31:0] stride2_i,
  input  logic [15:0] n1_i,
  input  logic [15:0] n2_i,
  input  logic [31:0] n_i,
  input  logic [3:0]  elog2_i,
  input  logic [3:0]  banks_log2_i,
  input  logic        bank_by_span_i,
  input  logic [31:0] base_i,
  input  logic [31:0] kstride_i,
  // Entries.
  input  logic        step_i,        // the current entry (or slice) moves in this cycle
  input  logic        hold_i,        // the DMA still handles data of the current transfer
  output logic        ready_o,       // an entry is current
  output logic        load_o,        // a transfer begins in this cycle
  output logic        span_last_o,   // the current span is the transfer's last
  output logic [15:0] i2_o,          // inner index of the current span
  output logic        small_o,       // entries of at most a beat (else slices of one)
  output logic [31:0] per_beat_o,    // entries per beat (small entries)
  output logic        span_done_o,   // the step of this cycle ends the span
  output logic [7:0]  bank_o,
  output logic [23:0] entry_o,
  output logic [5:0]  slice_o,
  output logic        done_o         // the command has no transfer left
);
  localparam int MbLog2 = $clog2(MemBytes);
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 1 && (MemBytes & (MemBytes - 1)) == 0, "ern_dma_entries: MemBytes must be a power of two")

  logic        loaded, walk_valid;
  logic [31:0] walk_addr, walk_beats;
  ern_xfer_seq #(.MemBytes(MemBytes), .EndXfer(EndXfer)) u_seq (
    .clk_i, .rst_ni, .start_i, .first_i, .last_i, .busy_i, .xfer_o, .enabled_i, .addr0_i, .stride1_i, .stride2_i,
    .n1_i, .n2_i, .n_i, .elog2_i, .next_i(span_done_o), .hold_i, .load_o, .loaded_o(loaded), .valid_o(walk_valid),
    .last_o(span_last_o), .addr_o(walk_addr), .beats_o(walk_beats), .i2_o, .done_o
  );

  logic [31:0] x_q, x_d;          // entry of the span
  logic [5:0]  slice_q, slice_d;  // slice of the entry
  logic [31:0] koff_q, koff_d;    // buffer offset of the span: k * kstride
  logic [31:0] slices;
  logic        entry_done;  // the current step ends an entry
  assign small_o      = {1'b0, elog2_i} <= 5'(MbLog2);
  assign per_beat_o   = small_o ? (32'd1 << (5'(MbLog2) - {1'b0, elog2_i})) : 32'd1;
  assign slices       = small_o ? 32'd1 : (32'd1 << ({1'b0, elog2_i} - 5'(MbLog2)));
  assign ready_o      = loaded && walk_valid;
  assign entry_done = small_o || (32'(slice_q) + 32'd1 == slices);
  assign span_done_o  = step_i && entry_done && (x_q + 32'd1 == n_i);

  always_comb begin
    x_d     = x_q;
    slice_d = slice_q;
    koff_d  = koff_q;
    if (load_o) begin
      x_d     = '0;
      slice_d = '0;
      koff_d  = '0;
    end else if (step_i) begin
      if (entry_done) begin
        slice_d = '0;
        x_d     = span_done_o ? 32'd0 : x_q + 32'd1;
      end else begin
        slice_d = slice_q + 6'd1;
      end
      if (span_done_o) koff_d = koff_q + kstride_i;
    end
  end

  always_ff @(posedge clk_i) begin
    x_q     <= x_d;
    slice_q <= slice_d;
    koff_q  <= koff_d;
  end

  assign bank_o  = bank_by_span_i ? 8'(i2_o) : 8'(x_q & ((32'd1 << banks_log2_i) - 32'd1));
  assign entry_o = bank_by_span_i ? 24'(x_q) : 24'(base_i + koff_q + (x_q >> banks_log2_i));
  assign slice_o = slice_q;

  logic unused_walk;
  assign unused_walk = ^{walk_addr, walk_beats};
endmodule
