// Write DMA: the stores of one job (2-bit outputs, stream outputs, class sums). Reads entries from
// the engine's output buffers through its host read port, packs them into beats (with byte strobes)
// and writes them on an AXI-like write port in bursts of up to MaxBurst beats.
`include "ern_assert.svh"
`include "ern_job_desc.svh"

module ern_dma_wr #(
  parameter int DescWords = `ERN_JOB_DESC_WORDS,
  parameter int MemBytes  = 64,
  localparam int MemW = MemBytes * 8,
  parameter int MaxBurst  = 16,
  parameter int PeOut     = 8,
  parameter int PePix     = 2,
  parameter int ELog2Str  = 4,
  parameter int ELog2Sum  = 5
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       cmd_i,
  input  logic [DescWords*32-1:0] desc_i,
  output logic                       busy_o,
  output logic                       done_o,
  output logic [31:0]                beats_o,
  output logic                       misaligned_o,
  // Memory write port.
  output logic                       aw_valid_o,
  input  logic                       aw_ready_i,
  output logic [31:0]                aw_addr_o,
  output logic [7:0]                 aw_len_o,
  output logic                       w_valid_o,
  input  logic                       w_ready_i,
  output logic [MemW-1:0]            w_data_o,
  output logic [MemBytes-1:0]        w_strb_o,
  output logic                       w_last_o,
  input  logic                       b_valid_i,
  output logic                       b_ready_o,
  // The engine's output buffers.
  output logic                       rd_re_o,
  output logic [3:0]                 rd_buf_o,
  output logic [7:0]                 rd_bank_o,
  output logic [23:0]                rd_entry_o,
  output logic [5:0]                 rd_slice_o,
  input  logic                       rd_gnt_i,       // the read of this cycle is served
  input  logic [MemW-1:0]            rd_data_i       // data of last cycle's served read
);
  localparam int FifoDepth = 4;
  localparam int MaxELog2 = ($clog2(MemBytes) + 6 < 15) ? $clog2(MemBytes) + 6 : 15;
  // w_last marks each MaxBurst-th beat of a span by masking the beat count.
  `ERN_ELAB_CHECK(g_bad_max_burst, MaxBurst >= 1 && (MaxBurst & (MaxBurst - 1)) == 0, "ern_dma_wr: MaxBurst must be a power of two")
  `ERN_ELAB_CHECK(g_bad_entries, ELog2Str <= MaxELog2 && ELog2Sum <= MaxELog2, "ern_dma_wr: an entry is larger than 64 beats")

  logic busy, start, d_done, pop;

  // ---------------------------------------------------------------------------------------------
  // Address side.
  logic [2:0]  xa;
  logic        xa_en;
  logic [31:0] xa_addr0, xa_s1, xa_s2, xa_n, xa_base, xa_kstride;
  logic [15:0] xa_n1, xa_n2, xa_strb;
  logic [3:0]  xa_elog2, xa_buf, xa_banks;
  ern_store_xfer #(
    .DescWords(DescWords), .PeOut(PeOut), .PePix(PePix), .ELog2Str(ELog2Str), .ELog2Sum(ELog2Sum)
  ) u_xfer_a (
    .xfer_i(xa), .desc_i, .i1_i(16'd0), .enabled_o(xa_en), .addr0_o(xa_addr0), .stride1_o(xa_s1),
    .stride2_o(xa_s2), .n1_o(xa_n1), .n2_o(xa_n2), .n_o(xa_n), .elog2_o(xa_elog2), .buf_o(xa_buf),
    .banks_log2_o(xa_banks), .base_o(xa_base), .kstride_o(xa_kstride), .entry_strb_o(xa_strb)
  );

  // Bursts whose address went out, and their write responses.
  logic [31:0] bursts_q, responses_q;
  logic        aw_fire, got_q;
  logic [2:0]  fifo_count_q;
  ern_dma_addr #(.MemBytes(MemBytes), .MaxBurst(MaxBurst), .EndXfer(ern_pkg::StoreEnd)) u_addr (
    .clk_i, .rst_ni, .cmd_i, .first_i(ern_pkg::StoreOact), .last_i(ern_pkg::StoreSum),
    .idle_i(d_done && !got_q && fifo_count_q == 0 && responses_q == bursts_q), .beat_i(pop), .start_o(start),
    .busy_o(busy), .done_o, .beats_o, .misaligned_o, .xfer_o(xa), .enabled_i(xa_en), .addr0_i(xa_addr0),
    .stride1_i(xa_s1), .stride2_i(xa_s2), .n1_i(xa_n1), .n2_i(xa_n2), .n_i(xa_n), .elog2_i(xa_elog2),
    .can_issue_i(1'b1), .valid_o(aw_valid_o), .ready_i(aw_ready_i), .addr_o(aw_addr_o), .len_o(aw_len_o)
  );
  assign aw_fire   = aw_valid_o && aw_ready_i;
  assign b_ready_o = 1'b1;

  // Bursts issued and responses received in this command.
  logic [31:0] bursts_d, responses_d;
  always_comb begin
    bursts_d    = bursts_q;
    responses_d = responses_q;
    if (start) begin
      bursts_d    = '0;
      responses_d = '0;
    end else begin
      if (aw_fire)   bursts_d    = bursts_q + 32'd1;
      if (b_valid_i) responses_d = responses_q + 32'd1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bursts_q    <= '0;
      responses_q <= '0;
    end else begin
      bursts_q    <= bursts_d;
      responses_q <= responses_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Data side: read entries, pack beats, queue them for the write channel.
  logic [2:0]  xd;
  logic        xd_en;
  logic [31:0] xd_addr0, xd_s1, xd_s2, xd_n, xd_base, xd_kstride;
  logic [15:0] xd_n1, xd_n2, xd_strb, i1_q;
  logic [3:0]  xd_elog2, xd_buf, xd_banks;
  ern_store_xfer #(
    .DescWords(DescWords), .PeOut(PeOut), .PePix(PePix), .ELog2Str(ELog2Str), .ELog2Sum(ELog2Sum)
  ) u_xfer_d (
    .xfer_i(xd), .desc_i, .i1_i(i1_q), .enabled_o(xd_en), .addr0_o(xd_addr0), .stride1_o(xd_s1),
    .stride2_o(xd_s2), .n1_o(xd_n1), .n2_o(xd_n2), .n_o(xd_n), .elog2_o(xd_elog2), .buf_o(xd_buf),
    .banks_log2_o(xd_banks), .base_o(xd_base), .kstride_o(xd_kstride), .entry_strb_o(xd_strb)
  );

  // Beat FIFO.
  logic [MemW-1:0]     fifo_data_q [FifoDepth];
  logic [MemBytes-1:0] fifo_strb_q [FifoDepth];
  logic                fifo_last_q [FifoDepth];
  logic [1:0]          fifo_rd_q, fifo_wr_q;

  // Read request state.
  logic [31:0] pos_q, span_beat_q;
  logic        reading, read_served, span_done, beat_full;
  logic        d_ready, d_load, span_last, small_entries;
  logic [31:0] per_beat;
  logic [15:0] span_i2;
  logic        got_last_entry_q, got_beat_end_q, got_burst_end_q;
  logic [31:0] got_pos_q;
  logic [15:0] got_strb_q;
  ern_dma_entries #(.MemBytes(MemBytes), .EndXfer(ern_pkg::StoreEnd)) u_entries (
    .clk_i, .rst_ni, .start_i(start), .first_i(ern_pkg::StoreOact), .last_i(ern_pkg::StoreSum), .busy_i(busy),
    .xfer_o(xd), .enabled_i(xd_en), .addr0_i(xd_addr0), .stride1_i(xd_s1), .stride2_i(xd_s2), .n1_i(xd_n1),
    .n2_i(xd_n2), .n_i(xd_n), .elog2_i(xd_elog2), .banks_log2_i(xd_banks), .bank_by_span_i(1'b0),
    .base_i(xd_base), .kstride_i(xd_kstride), .step_i(read_served), .hold_i(got_q), .ready_o(d_ready),
    .load_o(d_load), .span_last_o(span_last), .i2_o(span_i2), .small_o(small_entries), .per_beat_o(per_beat),
    .span_done_o(span_done), .bank_o(rd_bank_o), .entry_o(rd_entry_o),
    .slice_o(rd_slice_o), .done_o(d_done)
  );
  // One entry (or slice) per cycle, while the FIFO keeps room for the beat being built.
  assign reading     = busy && d_ready && (fifo_count_q < 3'(FifoDepth - 1));
  assign read_served = reading && rd_gnt_i;
  assign beat_full   = small_entries ? (pos_q + 32'd1 == per_beat) : 1'b1;
  assign rd_re_o     = reading;
  assign rd_buf_o    = xd_buf;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) got_q <= 1'b0;
    else         got_q <= read_served;
  end

  // Where each served read's data goes: its position in the beat, and whether it ends the beat
  // (full, or the span's last entry) and a burst (MaxBurst beats, or the span's end).
  logic [31:0] pos_d, span_beat_d;
  logic [15:0] i1_d;
  logic        capture;  // a served read outside a load's cycle (they never coincide: reading needs a loaded transfer)
  assign capture = !d_load && read_served;
  always_comb begin
    pos_d       = pos_q;
    span_beat_d = span_beat_q;
    i1_d        = i1_q;
    if (d_load) begin
      pos_d       = '0;
      span_beat_d = '0;
      i1_d        = '0;
    end else if (read_served) begin
      if (beat_full || span_done) begin
        pos_d       = '0;
        span_beat_d = span_done ? 32'd0 : span_beat_q + 32'd1;
      end else begin
        pos_d = pos_q + 32'd1;
      end
      if (span_done && span_i2 + 16'd1 == xd_n2) i1_d = i1_q + 16'd1;
    end
  end

  always_ff @(posedge clk_i) begin
    pos_q       <= pos_d;
    span_beat_q <= span_beat_d;
    i1_q        <= i1_d;
    if (capture) begin
      got_pos_q        <= pos_q;
      got_strb_q       <= xd_strb;
      got_last_entry_q <= span_done;
      got_beat_end_q   <= beat_full || span_done;
      got_burst_end_q  <= span_done || (((span_beat_q + 32'd1) & 32'(MaxBurst - 1)) == 0 && (beat_full || span_done));
    end
  end

  // Packing: entries of up to a beat are shifted into place; larger ones are beats already.
  logic [MemW-1:0]     pack_q, pack_d;
  logic [MemBytes-1:0] pack_strb_q, pack_strb_d, entry_strb;
  logic [3:0]          got_elog2_q;
  logic                got_small_q, got_lanes_q;
  always_ff @(posedge clk_i) begin
    if (read_served) begin
      got_elog2_q <= xd_elog2;
      got_small_q <= small_entries;
      got_lanes_q <= xd_buf == ern_pkg::BufOact;  // 2-bit outputs: only the job's lanes
    end
  end
  always_comb begin
    entry_strb = '0;
    for (int b = 0; b < MemBytes; b++) begin
      if (32'(b) < (32'd1 << got_elog2_q)) entry_strb[b] = got_lanes_q ? got_strb_q[b % 16] : 1'b1;
    end
    if (got_small_q) begin
      pack_d      = (got_pos_q == 0 ? '0 : pack_q) | (rd_data_i << ((got_pos_q << got_elog2_q) << 3));
      pack_strb_d = (got_pos_q == 0 ? '0 : pack_strb_q) | (entry_strb << (got_pos_q << got_elog2_q));
    end else begin
      pack_d      = rd_data_i;
      pack_strb_d = '1;
    end
  end
  always_ff @(posedge clk_i) begin
    if (got_q) begin
      pack_q      <= pack_d;
      pack_strb_q <= pack_strb_d;
    end
  end

  logic push;
  assign push = got_q && got_beat_end_q;
  assign pop  = w_valid_o && w_ready_i;
  logic [2:0] fifo_count_d;
  logic [1:0] fifo_rd_d, fifo_wr_d;
  assign fifo_count_d = fifo_count_q + 3'(push) - 3'(pop);
  assign fifo_wr_d    = push ? fifo_wr_q + 2'd1 : fifo_wr_q;
  assign fifo_rd_d    = pop ? fifo_rd_q + 2'd1 : fifo_rd_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fifo_count_q <= '0;
      fifo_rd_q    <= '0;
      fifo_wr_q    <= '0;
    end else begin
      fifo_count_q <= fifo_count_d;
      fifo_rd_q    <= fifo_rd_d;
      fifo_wr_q    <= fifo_wr_d;
    end
  end
  always_ff @(posedge clk_i) begin
    if (push) begin
      fifo_data_q[fifo_wr_q] <= pack_d;
      fifo_strb_q[fifo_wr_q] <= pack_strb_d;
      fifo_last_q[fifo_wr_q] <= got_burst_end_q;
    end
  end
  // The write channel waits until the burst's address has gone out.
  logic [31:0] w_bursts_q;
  assign w_valid_o = (fifo_count_q != 0) && (w_bursts_q < bursts_q);
  assign w_data_o  = fifo_data_q[fifo_rd_q];
  assign w_strb_o  = fifo_strb_q[fifo_rd_q];
  assign w_last_o  = fifo_last_q[fifo_rd_q];
  logic [31:0] w_bursts_d;
  always_comb begin
    w_bursts_d = w_bursts_q;
    if (start)                 w_bursts_d = '0;
    else if (pop && w_last_o)  w_bursts_d = w_bursts_q + 32'd1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) w_bursts_q <= '0;
    else         w_bursts_q <= w_bursts_d;
  end

  assign busy_o = busy;

  logic unused_bits;
  assign unused_bits = ^{xa_buf, xa_banks, xa_base, xa_kstride, xa_strb, got_last_entry_q, xd_addr0, xd_s1, xd_s2,
                         xd_n1, span_last};
endmodule
