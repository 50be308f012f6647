// Protocol assertions of the read DMA, bound into every ern_dma_rd (the bind at the end); for
// simulation only (rtl/assert/sources.f: Verilator with --assert, never Yosys). The memory port
// follows AXI's read channels: the address and its payload hold until ready, no data arrives
// without a burst in flight, r_last marks a burst's last beat, at most MaxReads bursts in flight.
// Assertions on what the memory drives (r_*) catch a wrong memory model, the others the RTL.
module ern_dma_rd_sva #(
  parameter int MemBytes = 64,
  parameter int MaxBurst = 16,
  parameter int MaxReads = 8,
  localparam int MemW = MemBytes * 8
) (
  input logic            clk_i,
  input logic            rst_ni,
  input logic            ar_valid_o,
  input logic            ar_ready_i,
  input logic [31:0]     ar_addr_o,
  input logic [7:0]      ar_len_o,
  input logic            r_valid_i,
  input logic            r_ready_o,
  input logic [MemW-1:0] r_data_i,
  input logic            r_last_i,
  // The one-beat buffer between the port and the engine's buffers.
  input logic            beat_valid_q,
  input logic            beat_done
);
  // verilator lint_off SYNCASYNCNET
  // (the RTL resets asynchronously; the assertions sample rst_ni at the clock, as disable iff does)

  // Bursts in flight (one more than MaxReads is tracked, so that a DMA over the limit shows).
  localparam int QDepth = MaxReads + 1;
  logic                        ar_fire, r_fire;
  logic [$clog2(QDepth+1)-1:0] reads;
  logic [7:0]                  head_len, beat;
  logic                        unused_done;
  assign ar_fire = ar_valid_o && ar_ready_i;
  assign r_fire  = r_valid_i && r_ready_o;
  ern_sva_bursts #(.Depth(QDepth)) u_bursts (
    .clk_i, .rst_ni, .addr_fire_i(ar_fire), .len_i(ar_len_o), .beat_fire_i(r_fire), .last_i(r_last_i),
    .open_o(reads), .head_len_o(head_len), .head_beats_o(beat), .done_o(unused_done)
  );

  RdArStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ar_valid_o && !ar_ready_i |=> ar_valid_o && $stable(ar_addr_o) && $stable(ar_len_o))
    else $error("the read address or its length changed, or ar_valid fell, before ar_ready");
  RdArLenMax: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ar_valid_o |-> 32'(ar_len_o) < MaxBurst)
    else $error("a read burst of %0d beats, more than MaxBurst = %0d", 32'(ar_len_o) + 1, MaxBurst);
  RdInflightMax: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(reads) <= MaxReads)
    else $error("%0d read bursts in flight, more than MaxReads = %0d", reads, MaxReads);
  RdDataWithoutRequest: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_valid_i |-> reads != 0)
    else $error("read data (r_valid) with no read burst in flight");
  RdLastAtBurstEnd: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_fire && reads != 0 |-> r_last_i == (beat == head_len))
    else $error("r_last %0d on beat %0d of a burst of %0d beats", r_last_i, 32'(beat) + 1,
                32'(head_len) + 1);
  // The memory may withdraw a beat that was not taken (the model offers it again when the
  // bandwidth allows), but a beat offered twice in a row is the same beat.
  RdDataStable: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_valid_i && $past(r_valid_i && !r_ready_o) |-> $stable(r_data_i) && $stable(r_last_i))
    else $error("the read data or r_last changed while the beat waited for r_ready");
  RdBeatOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_fire |-> !beat_valid_q || beat_done)
    else $error("a beat was taken while the beat buffer held one that was not placed yet");
endmodule

bind ern_dma_rd ern_dma_rd_sva #(.MemBytes(MemBytes), .MaxBurst(MaxBurst), .MaxReads(MaxReads)) u_sva (.*);
