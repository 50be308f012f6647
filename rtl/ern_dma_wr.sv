// Write DMA: the stores of one job (2-bit outputs, stream outputs, class sums). Reads entries from
// the engine's output buffers through its host read port, packs them into beats (with byte strobes)
// and writes them on an AXI-like write port in bursts of up to MaxBurst beats.
`include "ern_job_desc.svh"

module ern_dma_wr #(
  parameter int DescWords = `ERN_JOB_DESC_WORDS,
  parameter int MemBytes  = 64,
  parameter int MaxBurst  = 16,
  parameter int PeOut     = 8,
  parameter int PePix     = 2,
  parameter int ELog2Str  = 4,
  parameter int ELog2Sum  = 5,
  localparam int MemW = MemBytes * 8
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
  localparam int MbLog2 = $clog2(MemBytes);
  localparam logic [2:0] XferFirst = 3'd1;
  localparam logic [2:0] XferLast  = 3'd3;
  localparam logic [2:0] XferEnd   = 3'd7;
  localparam int FifoDepth = 4;

  logic busy_q;

  // ---------------------------------------------------------------------------------------------
  // Address side.
  logic [2:0]  xa_q;
  logic        a_loaded_q, a_started_q;
  logic [31:0] a_rem_q, a_addr_q, bursts_q, responses_q;

  logic        xa_en;
  logic [31:0] xa_addr0, xa_s1, xa_s2, xa_n, xa_base, xa_kstride;
  logic [15:0] xa_n1, xa_n2, xa_strb;
  logic [3:0]  xa_elog2, xa_buf, xa_banks;
  logic        wa_load, wa_next, wa_valid, wa_last;
  logic [31:0] wa_addr, wa_beats, wa_k;
  logic [15:0] wa_i2;
  ern_store_xfer #(
    .DescWords(DescWords), .PeOut(PeOut), .PePix(PePix), .ELog2Str(ELog2Str), .ELog2Sum(ELog2Sum)
  ) u_xfer_a (
    .xfer_i(xa_q), .desc_i, .i1_i(16'd0), .enabled_o(xa_en), .addr0_o(xa_addr0), .stride1_o(xa_s1),
    .stride2_o(xa_s2), .n1_o(xa_n1), .n2_o(xa_n2), .n_o(xa_n), .elog2_o(xa_elog2), .buf_o(xa_buf),
    .banks_log2_o(xa_banks), .base_o(xa_base), .kstride_o(xa_kstride), .entry_strb_o(xa_strb)
  );
  ern_span_walker #(.MemBytes(MemBytes)) u_walk_a (
    .clk_i, .rst_ni, .load_i(wa_load), .addr0_i(xa_addr0), .stride1_i(xa_s1), .stride2_i(xa_s2),
    .n1_i(xa_n1), .n2_i(xa_n2), .n_i(xa_n), .elog2_i(xa_elog2), .next_i(wa_next), .valid_o(wa_valid),
    .last_o(wa_last), .addr_o(wa_addr), .beats_o(wa_beats), .i2_o(wa_i2), .k_o(wa_k)
  );

  logic [31:0] burst;
  logic        aw_fire;
  assign burst      = (a_rem_q > 32'(MaxBurst)) ? 32'(MaxBurst) : a_rem_q;
  assign aw_valid_o = busy_q && a_started_q && (a_rem_q != 0);
  assign aw_addr_o  = a_addr_q;
  assign aw_len_o   = 8'(burst - 32'd1);
  assign aw_fire    = aw_valid_o && aw_ready_i;
  assign wa_load    = busy_q && (xa_q != XferEnd) && !a_loaded_q && xa_en;
  assign wa_next    = busy_q && a_started_q && (a_rem_q == 0) && wa_valid;
  assign b_ready_o  = 1'b1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xa_q        <= XferEnd;
      a_loaded_q  <= 1'b0;
      a_started_q <= 1'b0;
      a_rem_q     <= '0;
      a_addr_q    <= '0;
      bursts_q    <= '0;
      responses_q <= '0;
    end else begin
      if (aw_fire) bursts_q <= bursts_q + 32'd1;
      if (b_valid_i) responses_q <= responses_q + 32'd1;
      if (cmd_i && !busy_q) begin
        xa_q        <= XferFirst;
        a_loaded_q  <= 1'b0;
        a_started_q <= 1'b0;
        bursts_q    <= '0;
        responses_q <= '0;
      end else if (busy_q && xa_q != XferEnd) begin
        if (!a_loaded_q) begin
          if (xa_en) a_loaded_q <= 1'b1;
          else       xa_q <= (xa_q == XferLast) ? XferEnd : xa_q + 3'd1;
        end else if (!a_started_q) begin
          if (wa_valid) begin
            a_started_q <= 1'b1;
            a_rem_q     <= wa_beats;
            a_addr_q    <= wa_addr;
          end else begin
            a_loaded_q <= 1'b0;
            xa_q       <= (xa_q == XferLast) ? XferEnd : xa_q + 3'd1;
          end
        end else if (aw_fire) begin
          a_rem_q  <= a_rem_q - burst;
          a_addr_q <= a_addr_q + (burst << MbLog2);
        end else if (a_rem_q == 0) begin
          a_started_q <= 1'b0;
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Data side: read entries, pack beats, queue them for the write channel.
  logic [2:0]  xd_q;
  logic        d_loaded_q;
  logic        xd_en;
  logic [31:0] xd_addr0, xd_s1, xd_s2, xd_n, xd_base, xd_kstride;
  logic [15:0] xd_n1, xd_n2, xd_strb;
  logic [3:0]  xd_elog2, xd_buf, xd_banks;
  logic        wd_load, wd_next, wd_valid, wd_last;
  logic [31:0] wd_addr, wd_beats, wd_k;
  logic [15:0] wd_i2, i1_q;
  ern_store_xfer #(
    .DescWords(DescWords), .PeOut(PeOut), .PePix(PePix), .ELog2Str(ELog2Str), .ELog2Sum(ELog2Sum)
  ) u_xfer_d (
    .xfer_i(xd_q), .desc_i, .i1_i(i1_q), .enabled_o(xd_en), .addr0_o(xd_addr0), .stride1_o(xd_s1),
    .stride2_o(xd_s2), .n1_o(xd_n1), .n2_o(xd_n2), .n_o(xd_n), .elog2_o(xd_elog2), .buf_o(xd_buf),
    .banks_log2_o(xd_banks), .base_o(xd_base), .kstride_o(xd_kstride), .entry_strb_o(xd_strb)
  );
  ern_span_walker #(.MemBytes(MemBytes)) u_walk_d (
    .clk_i, .rst_ni, .load_i(wd_load), .addr0_i(xd_addr0), .stride1_i(xd_s1), .stride2_i(xd_s2),
    .n1_i(xd_n1), .n2_i(xd_n2), .n_i(xd_n), .elog2_i(xd_elog2), .next_i(wd_next), .valid_o(wd_valid),
    .last_o(wd_last), .addr_o(wd_addr), .beats_o(wd_beats), .i2_o(wd_i2), .k_o(wd_k)
  );

  logic            small_entries;
  logic [31:0]     per_beat, slices;
  assign small_entries = {1'b0, xd_elog2} <= 5'(MbLog2);
  assign per_beat      = small_entries ? (32'd1 << (5'(MbLog2) - {1'b0, xd_elog2})) : 32'd1;
  assign slices        = small_entries ? 32'd1 : (32'd1 << ({1'b0, xd_elog2} - 5'(MbLog2)));

  // Beat FIFO.
  logic [MemW-1:0]     fifo_data_q [FifoDepth];
  logic [MemBytes-1:0] fifo_strb_q [FifoDepth];
  logic                fifo_last_q [FifoDepth];
  logic [2:0]          fifo_count_q;
  logic [1:0]          fifo_rd_q, fifo_wr_q;

  // Read request state.
  logic [31:0] x_q, koff_q, pos_q, span_beat_q;
  logic [5:0]  slice_q;
  logic        reading, read_served, entry_done, span_done, beat_full;
  logic        got_q, got_last_entry_q, got_beat_end_q, got_burst_end_q;
  logic [31:0] got_pos_q;
  logic [15:0] got_strb_q;
  // One entry (or slice) per cycle, while the FIFO keeps room for the beat being built.
  assign reading     = busy_q && d_loaded_q && wd_valid && (fifo_count_q < 3'(FifoDepth - 1));
  assign read_served = reading && rd_gnt_i;
  assign entry_done  = small_entries || (32'(slice_q) + 32'd1 == slices);
  assign span_done   = read_served && entry_done && (x_q + 32'd1 == xd_n);
  assign beat_full   = small_entries ? (pos_q + 32'd1 == per_beat) : 1'b1;
  assign wd_load     = busy_q && (xd_q != XferEnd) && !d_loaded_q && xd_en;
  assign wd_next     = span_done;

  assign rd_re_o    = reading;
  assign rd_buf_o   = xd_buf;
  assign rd_bank_o  = 8'(x_q & ((32'd1 << xd_banks) - 32'd1));
  assign rd_entry_o = 24'(xd_base + koff_q + (x_q >> xd_banks));
  assign rd_slice_o = slice_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xd_q       <= XferEnd;
      d_loaded_q <= 1'b0;
      got_q      <= 1'b0;
    end else begin
      got_q <= read_served;
      if (cmd_i && !busy_q) begin
        xd_q       <= XferFirst;
        d_loaded_q <= 1'b0;
      end else if (busy_q && xd_q != XferEnd) begin
        if (!d_loaded_q) begin
          if (xd_en) d_loaded_q <= 1'b1;
          else       xd_q <= (xd_q == XferLast) ? XferEnd : xd_q + 3'd1;
        end else if (!wd_valid && !got_q) begin
          d_loaded_q <= 1'b0;
          xd_q       <= (xd_q == XferLast) ? XferEnd : xd_q + 3'd1;
        end
      end
    end
  end

  // Where each served read's data goes: its position in the beat, and whether it ends the beat
  // (full, or the span's last entry) and a burst (MaxBurst beats, or the span's end).
  always_ff @(posedge clk_i) begin
    if (wd_load) begin
      x_q         <= '0;
      slice_q     <= '0;
      koff_q      <= '0;
      pos_q       <= '0;
      span_beat_q <= '0;
      i1_q        <= '0;
    end else if (read_served) begin
      got_pos_q        <= pos_q;
      got_strb_q       <= xd_strb;
      got_last_entry_q <= span_done;
      got_beat_end_q   <= beat_full || span_done;
      got_burst_end_q  <= span_done || (((span_beat_q + 32'd1) & 32'(MaxBurst - 1)) == 0 && (beat_full || span_done));
      if (entry_done) begin
        slice_q <= '0;
        x_q     <= span_done ? 32'd0 : x_q + 32'd1;
      end else begin
        slice_q <= slice_q + 6'd1;
      end
      if (beat_full || span_done) begin
        pos_q       <= '0;
        span_beat_q <= span_done ? 32'd0 : span_beat_q + 32'd1;
      end else begin
        pos_q <= pos_q + 32'd1;
      end
      if (span_done) begin
        koff_q <= koff_q + xd_kstride;
        i1_q   <= (wd_i2 + 16'd1 == xd_n2) ? i1_q + 16'd1 : i1_q;
      end
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
      got_lanes_q <= xd_buf == 4'd5;  // 2-bit outputs: only the job's lanes
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

  logic push, pop;
  assign push = got_q && got_beat_end_q;
  assign pop  = w_valid_o && w_ready_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fifo_count_q <= '0;
      fifo_rd_q    <= '0;
      fifo_wr_q    <= '0;
    end else begin
      fifo_count_q <= fifo_count_q + 3'(push) - 3'(pop);
      if (push) fifo_wr_q <= fifo_wr_q + 2'd1;
      if (pop)  fifo_rd_q <= fifo_rd_q + 2'd1;
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
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) w_bursts_q <= '0;
    else if (cmd_i && !busy_q) w_bursts_q <= '0;
    else if (pop && w_last_o) w_bursts_q <= w_bursts_q + 32'd1;
  end

  // ---------------------------------------------------------------------------------------------
  logic [31:0] beats_q;
  logic        misaligned_q;
  logic        finished;
  assign finished = busy_q && xa_q == XferEnd && xd_q == XferEnd && !got_q && fifo_count_q == 0 &&
                    responses_q == bursts_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      beats_q      <= '0;
      misaligned_q <= 1'b0;
    end else begin
      if (cmd_i && !busy_q) begin
        busy_q       <= 1'b1;
        beats_q      <= '0;
        misaligned_q <= 1'b0;
      end else if (finished) begin
        busy_q <= 1'b0;
      end
      if (pop) beats_q <= beats_q + 32'd1;
      if (wa_valid && !a_started_q && a_loaded_q && wa_addr[MbLog2-1:0] != '0) misaligned_q <= 1'b1;
    end
  end
  assign busy_o       = busy_q;
  assign done_o       = finished;
  assign beats_o      = beats_q;
  assign misaligned_o = misaligned_q;

  logic unused_bits;
  assign unused_bits = ^{wa_last, wa_k, wa_i2, xa_buf, xa_banks, xa_base, xa_kstride, xa_strb, wd_addr,
                         wd_beats, wd_last, wd_k, got_last_entry_q, xd_addr0, xd_s1, xd_s2, xd_n1};
endmodule
