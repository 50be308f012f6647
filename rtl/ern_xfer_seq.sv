// Transfer sequencing, shared by both sides of both DMAs: steps through the transfers of a command
// in id order, from first_i to last_i, skipping those the job does not need (enabled_i low), and
// walks the spans of each (ern_span_walker). The DMA decodes the current transfer (xfer_o) with
// ern_load_xfer or ern_store_xfer. A transfer ends when its last span is past and the side no
// longer works on its data (hold_i low); then the next one is taken, and after last_i the sequencer
// rests at EndXfer.
`include "ern_assert.svh"

module ern_xfer_seq #(
  parameter int         MemBytes = 64,
  parameter logic [2:0] EndXfer  = ern_pkg::LoadEnd  // the id after a command's last transfer: LoadEnd or StoreEnd
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,    // a command begins (first_i and last_i valid)
  input  logic [2:0]  first_i,
  input  logic [2:0]  last_i,     // the command's last transfer (held while it runs)
  input  logic        busy_i,     // the command runs
  // The current transfer, as the DMA decodes it.
  output logic [2:0]  xfer_o,
  input  logic        enabled_i,
  input  logic [31:0] addr0_i,
  input  logic [31:0] stride1_i,
  input  logic [31:0] stride2_i,
  input  logic [15:0] n1_i,
  input  logic [15:0] n2_i,
  input  logic [31:0] n_i,
  input  logic [3:0]  elog2_i,
  // Its spans.
  input  logic        next_i,     // advance past the current span
  input  logic        hold_i,     // the side still works on data of the current transfer
  output logic        load_o,     // the walker takes the current transfer in this cycle
  output logic        loaded_o,   // the current transfer is in the walker
  output logic        valid_o,    // a span is current
  output logic        last_o,     // the current span is the transfer's last
  output logic [31:0] addr_o,
  output logic [31:0] beats_o,
  output logic [15:0] i2_o,
  output logic        done_o      // the command has no transfer left
);
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 1 && (MemBytes & (MemBytes - 1)) == 0, "ern_xfer_seq: MemBytes must be a power of two")
  logic [2:0] xfer_q, xfer_d, xfer_next;
  logic       loaded_q, loaded_d;
  logic       active;

  assign active    = busy_i && (xfer_q != EndXfer);
  assign xfer_next = (xfer_q == last_i) ? EndXfer : xfer_q + 3'd1;
  assign load_o    = active && !loaded_q && enabled_i;

  always_comb begin
    xfer_d   = xfer_q;
    loaded_d = loaded_q;
    if (start_i) begin
      xfer_d   = first_i;
      loaded_d = 1'b0;
    end else if (active) begin
      if (!loaded_q) begin
        // A transfer the job does not need is skipped.
        if (enabled_i) loaded_d = 1'b1;
        else           xfer_d   = xfer_next;
      end else if (!valid_o && !hold_i) begin
        loaded_d = 1'b0;
        xfer_d   = xfer_next;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xfer_q   <= EndXfer;
      loaded_q <= 1'b0;
    end else begin
      xfer_q   <= xfer_d;
      loaded_q <= loaded_d;
    end
  end

  logic [31:0] walk_k;
  ern_span_walker #(.MemBytes(MemBytes)) u_walk (
    .clk_i, .rst_ni, .load_i(load_o), .addr0_i, .stride1_i, .stride2_i, .n1_i, .n2_i, .n_i, .elog2_i,
    .next_i, .valid_o, .last_o, .addr_o, .beats_o, .i2_o, .k_o(walk_k)
  );

  assign xfer_o   = xfer_q;
  assign loaded_o = loaded_q;
  assign done_o   = xfer_q == EndXfer;

  logic unused_k;
  assign unused_k = ^walk_k;
endmodule
