// Protocol assertions of the write DMA, bound into every ern_dma_wr (the bind at the end); for
// simulation only (rtl/assert/sources.f). The memory port follows AXI's write channels: address
// and data with their payloads hold until ready, a burst's beats follow its address, w_last marks
// its last beat, a response only for a burst whose data went out. The beat FIFO between the
// engine's buffers and the W channel never overflows nor underflows.
module ern_dma_wr_sva #(
  parameter int MemBytes  = 64,
  parameter int MaxBurst  = 16,
  parameter int FifoDepth = 4,
  localparam int MemW = MemBytes * 8
) (
  input logic                clk_i,
  input logic                rst_ni,
  input logic                aw_valid_o,
  input logic                aw_ready_i,
  input logic [31:0]         aw_addr_o,
  input logic [7:0]          aw_len_o,
  input logic                w_valid_o,
  input logic                w_ready_i,
  input logic [MemW-1:0]     w_data_o,
  input logic [MemBytes-1:0] w_strb_o,
  input logic                w_last_o,
  input logic                b_valid_i,
  input logic                b_ready_o,
  // The beat FIFO.
  input logic                push,
  input logic                pop,
  input logic [2:0]          fifo_count_q
);
  // verilator lint_off SYNCASYNCNET
  // (the RTL resets asynchronously; the assertions sample rst_ni at the clock, as disable iff does)

  // Write bursts whose address went out and whose data did not (the checker tracks QDepth), and
  // the bursts written whose response has not come.
  localparam int QDepth = 64;
  logic                        aw_fire, w_fire, b_fire, w_burst_done;
  logic [$clog2(QDepth+1)-1:0] ahead;
  logic [7:0]                  head_len, beat;
  logic [31:0]                 due_q;
  assign aw_fire = aw_valid_o && aw_ready_i;
  assign w_fire  = w_valid_o && w_ready_i;
  assign b_fire  = b_valid_i && b_ready_o;
  ern_sva_bursts #(.Depth(QDepth)) u_bursts (
    .clk_i, .rst_ni, .addr_fire_i(aw_fire), .len_i(aw_len_o), .beat_fire_i(w_fire), .last_i(w_last_o),
    .open_o(ahead), .head_len_o(head_len), .head_beats_o(beat), .done_o(w_burst_done)
  );
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) due_q <= '0;
    else         due_q <= due_q + 32'(w_burst_done) - 32'(b_fire && due_q != 0);
  end

  WrAwStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      aw_valid_o && !aw_ready_i |=> aw_valid_o && $stable(aw_addr_o) && $stable(aw_len_o))
    else $error("the write address or its length changed, or aw_valid fell, before aw_ready");
  WrAwLenMax: assert property (@(posedge clk_i) disable iff (!rst_ni)
      aw_valid_o |-> 32'(aw_len_o) < MaxBurst)
    else $error("a write burst of %0d beats, more than MaxBurst = %0d", 32'(aw_len_o) + 1, MaxBurst);
  WrAwAhead: assert property (@(posedge clk_i) disable iff (!rst_ni)
      aw_fire |-> 32'(ahead) < QDepth)
    else $error("more than %0d write bursts ahead of their data (the checker tracks no more)", QDepth);
  WrWStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_valid_o && !w_ready_i |=> w_valid_o && $stable(w_data_o) && $stable(w_strb_o) && $stable(w_last_o))
    else $error("the write data, strobes or w_last changed, or w_valid fell, before w_ready");
  WrWAfterAw: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_valid_o |-> ahead != 0)
    else $error("write data (w_valid) before the address of its burst");
  WrLastAtBurstEnd: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_fire && ahead != 0 |-> w_last_o == (beat == head_len))
    else $error("w_last %0d on beat %0d of a burst of %0d beats", w_last_o, 32'(beat) + 1,
                32'(head_len) + 1);
  WrResponseWithoutRequest: assert property (@(posedge clk_i) disable iff (!rst_ni)
      b_valid_i |-> due_q != 0)
    else $error("a write response (b_valid) with no written burst waiting for one");
  WrFifoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push && !pop |-> 32'(fifo_count_q) < FifoDepth)
    else $error("a beat pushed into the full beat FIFO (%0d entries)", FifoDepth);
  WrFifoUnderflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pop |-> fifo_count_q != 0)
    else $error("a beat popped from the empty beat FIFO");
endmodule

bind ern_dma_wr ern_dma_wr_sva #(.MemBytes(MemBytes), .MaxBurst(MaxBurst), .FifoDepth(FifoDepth)) u_sva (.*);
