// The bursts of an AXI-like address channel and its data channel, for the DMA checkers: how many
// have their address accepted and their data not all through (up to Depth; more are not tracked),
// the length of the oldest and how many of its beats went through. Simulation only.
module ern_sva_bursts #(
  parameter int Depth = 8,
  localparam int CountW = $clog2(Depth + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              addr_fire_i,   // an address accepted
  input  logic [7:0]        len_i,         // its beats - 1
  input  logic              beat_fire_i,   // a data beat through
  input  logic              last_i,        // with its last flag
  output logic [CountW-1:0] open_o,        // bursts open
  output logic [7:0]        head_len_o,    // the oldest one's beats - 1
  output logic [7:0]        head_beats_o,  // its beats already through
  output logic              done_o         // a beat with its last flag closes the oldest
);
  localparam int PtrW = $clog2(Depth);
  logic [PtrW-1:0] wr_q, rd_q;
  logic [7:0]      len_q [Depth];
  logic            push;
  assign push   = addr_fire_i && 32'(open_o) < Depth;
  assign done_o = beat_fire_i && last_i && open_o != 0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      open_o       <= '0;
      wr_q         <= '0;
      rd_q         <= '0;
      head_beats_o <= '0;
    end else begin
      open_o <= open_o + CountW'(push) - CountW'(done_o);
      if (push) wr_q <= (32'(wr_q) == Depth - 1) ? '0 : wr_q + PtrW'(1);
      if (done_o) rd_q <= (32'(rd_q) == Depth - 1) ? '0 : rd_q + PtrW'(1);
      if (beat_fire_i) head_beats_o <= last_i ? '0 : head_beats_o + 8'd1;
    end
  end
  always_ff @(posedge clk_i) begin
    if (push) len_q[wr_q] <= len_i;
  end
  assign head_len_o = len_q[rd_q];
endmodule
