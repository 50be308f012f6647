// Read DMA: performs one command at a time, the fetch of a job descriptor or one of the two phases
// of a job's loads (first the embedding tables, weights and thresholds, which depend on no earlier
// job; then the image, activations and residual, which may), on an AXI-like read port, and writes what arrives into the engine's buffers through its host port (one entry, or
// one beat-sized slice of a wider entry, per cycle).
//
// Two walkers traverse the same transfers: the address side issues bursts of up to MaxBurst beats,
// at most MaxReads in flight; the data side places the beats, which return in order.
`include "ern_job_desc.svh"

module ern_dma_rd #(
  parameter int DescWords  = `ERN_JOB_DESC_WORDS,
  parameter int MemBytes   = 64,
  parameter int MaxBurst   = 16,
  parameter int MaxReads   = 8,
  parameter int Banks      = 4,
  parameter int PePix      = 2,
  parameter int EmbColours = 3,
  parameter int ELog2Wgt   = 6,
  parameter int ELog2Thr   = 6,
  parameter int ELog2Str   = 4,
  localparam int MemW = MemBytes * 8
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  // Command.
  input  logic                         cmd_i,         // start (when idle)
  input  logic                         cmd_fetch_i,   // fetch a descriptor at cmd_addr_i
  input  logic                         cmd_data_i,    // else: the second phase of the loads
  input  logic [31:0]                  cmd_addr_i,
  input  logic [DescWords*32-1:0]   desc_i,        // the job whose loads run (held)
  output logic                         busy_o,
  output logic                         done_o,        // every entry of the command is written
  output logic [DescWords*32-1:0]   fetched_o,
  output logic [31:0]                  beats_o,       // beats read by the command
  output logic                         misaligned_o,  // a span did not start on a beat
  // Memory read port.
  output logic                         ar_valid_o,
  input  logic                         ar_ready_i,
  output logic [31:0]                  ar_addr_o,
  output logic [7:0]                   ar_len_o,      // beats - 1
  input  logic                         r_valid_i,
  output logic                         r_ready_o,
  input  logic [MemW-1:0]              r_data_i,
  input  logic                         r_last_i,
  // The engine's buffers.
  output logic                         fill_we_o,
  output logic [3:0]                   fill_buf_o,
  output logic [7:0]                   fill_bank_o,
  output logic [23:0]                  fill_entry_o,
  output logic [5:0]                   fill_slice_o,  // beat-sized slice of the entry
  output logic [MemW-1:0]              fill_data_o
);
  localparam int MbLog2 = $clog2(MemBytes);
  localparam logic [2:0] XferDesc = 3'd0;
  localparam logic [2:0] XferEnd  = 3'd7;
  localparam logic [2:0] FirstPhaseA = 3'd1;  // tables, weights, thresholds
  localparam logic [2:0] LastPhaseA  = 3'd3;
  localparam logic [2:0] FirstPhaseB = 3'd4;  // image, activations, residual
  localparam logic [2:0] LastPhaseB  = 3'd6;
  localparam int InflightW = $clog2(MaxReads + 1);

  logic busy_q, fetch_q;
  logic [31:0] fetch_addr_q;
  logic [2:0]  last_xfer_q;  // the command's last transfer
  logic [2:0]  first_xfer;
  assign first_xfer = cmd_fetch_i ? XferDesc : (cmd_data_i ? FirstPhaseB : FirstPhaseA);

  // ---------------------------------------------------------------------------------------------
  // Address side.
  logic [2:0]  xa_q;  // current transfer
  logic        a_started_q;
  logic [31:0] a_rem_q, a_addr_q;
  logic [InflightW-1:0] inflight_q;

  logic        xa_en;
  logic [31:0] xa_addr0, xa_s1, xa_s2, xa_n, xa_base, xa_kstride;
  logic [15:0] xa_n1, xa_n2;
  logic [3:0]  xa_elog2, xa_buf, xa_banks;
  logic        xa_bank_by_span;
  ern_load_xfer #(
    .DescWords(DescWords), .MemBytes(MemBytes), .Banks(Banks), .PePix(PePix), .EmbColours(EmbColours),
    .ELog2Wgt(ELog2Wgt), .ELog2Thr(ELog2Thr), .ELog2Str(ELog2Str)
  ) u_xfer_a (
    .xfer_i(xa_q), .desc_i, .fetch_addr_i(fetch_addr_q), .enabled_o(xa_en), .addr0_o(xa_addr0),
    .stride1_o(xa_s1), .stride2_o(xa_s2), .n1_o(xa_n1), .n2_o(xa_n2), .n_o(xa_n), .elog2_o(xa_elog2),
    .buf_o(xa_buf), .banks_log2_o(xa_banks), .bank_by_span_o(xa_bank_by_span), .base_o(xa_base),
    .kstride_o(xa_kstride)
  );

  logic        wa_load, wa_next, wa_valid, wa_last;
  logic [31:0] wa_addr, wa_beats, wa_k;
  logic [15:0] wa_i2;
  ern_span_walker #(.MemBytes(MemBytes)) u_walk_a (
    .clk_i, .rst_ni, .load_i(wa_load), .addr0_i(xa_addr0), .stride1_i(xa_s1), .stride2_i(xa_s2),
    .n1_i(xa_n1), .n2_i(xa_n2), .n_i(xa_n), .elog2_i(xa_elog2), .next_i(wa_next), .valid_o(wa_valid),
    .last_o(wa_last), .addr_o(wa_addr), .beats_o(wa_beats), .i2_o(wa_i2), .k_o(wa_k)
  );

  // The address side loads a transfer into its walker when it moves to it (a_loaded_q low).
  logic a_loaded_q;
  logic [31:0] burst;
  logic        ar_fire, r_burst_done;
  assign burst    = (a_rem_q > 32'(MaxBurst)) ? 32'(MaxBurst) : a_rem_q;
  assign ar_valid_o = busy_q && a_started_q && (a_rem_q != 0) && (32'(inflight_q) < 32'(MaxReads));
  assign ar_addr_o  = a_addr_q;
  assign ar_len_o   = 8'(burst - 32'd1);
  assign ar_fire    = ar_valid_o && ar_ready_i;
  assign wa_load    = busy_q && (xa_q != XferEnd) && !a_loaded_q && xa_en;
  assign wa_next    = busy_q && a_started_q && (a_rem_q == 0) && wa_valid;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xa_q        <= XferEnd;
      a_loaded_q  <= 1'b0;
      a_started_q <= 1'b0;
      a_rem_q     <= '0;
      a_addr_q    <= '0;
      inflight_q  <= '0;
    end else begin
      inflight_q <= inflight_q + InflightW'(ar_fire) - InflightW'(r_burst_done);
      if (cmd_i && !busy_q) begin
        xa_q        <= first_xfer;
        a_loaded_q  <= 1'b0;
        a_started_q <= 1'b0;
      end else if (busy_q && xa_q != XferEnd) begin
        if (!a_loaded_q) begin
          // Skip transfers the job does not need.
          if (xa_en) a_loaded_q <= 1'b1;
          else       xa_q <= (xa_q == last_xfer_q) ? XferEnd : xa_q + 3'd1;
        end else if (!a_started_q) begin
          if (wa_valid) begin
            a_started_q <= 1'b1;
            a_rem_q     <= wa_beats;
            a_addr_q    <= wa_addr;
          end else begin
            a_loaded_q <= 1'b0;
            xa_q       <= (xa_q == last_xfer_q) ? XferEnd : xa_q + 3'd1;
          end
        end else if (ar_fire) begin
          a_rem_q  <= a_rem_q - burst;
          a_addr_q <= a_addr_q + (burst << MbLog2);
        end else if (a_rem_q == 0) begin
          // Next span (wa_next this cycle).
          a_started_q <= 1'b0;
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Data side.
  logic [2:0]  xd_q;
  logic        d_loaded_q;
  logic        xd_en;
  logic [31:0] xd_addr0, xd_s1, xd_s2, xd_n, xd_base, xd_kstride;
  logic [15:0] xd_n1, xd_n2;
  logic [3:0]  xd_elog2, xd_buf, xd_banks;
  logic        xd_bank_by_span;
  ern_load_xfer #(
    .DescWords(DescWords), .MemBytes(MemBytes), .Banks(Banks), .PePix(PePix), .EmbColours(EmbColours),
    .ELog2Wgt(ELog2Wgt), .ELog2Thr(ELog2Thr), .ELog2Str(ELog2Str)
  ) u_xfer_d (
    .xfer_i(xd_q), .desc_i, .fetch_addr_i(fetch_addr_q), .enabled_o(xd_en), .addr0_o(xd_addr0),
    .stride1_o(xd_s1), .stride2_o(xd_s2), .n1_o(xd_n1), .n2_o(xd_n2), .n_o(xd_n), .elog2_o(xd_elog2),
    .buf_o(xd_buf), .banks_log2_o(xd_banks), .bank_by_span_o(xd_bank_by_span), .base_o(xd_base),
    .kstride_o(xd_kstride)
  );

  logic        wd_load, wd_next, wd_valid, wd_last;
  logic [31:0] wd_addr, wd_beats, wd_k;
  logic [15:0] wd_i2;
  ern_span_walker #(.MemBytes(MemBytes)) u_walk_d (
    .clk_i, .rst_ni, .load_i(wd_load), .addr0_i(xd_addr0), .stride1_i(xd_s1), .stride2_i(xd_s2),
    .n1_i(xd_n1), .n2_i(xd_n2), .n_i(xd_n), .elog2_i(xd_elog2), .next_i(wd_next), .valid_o(wd_valid),
    .last_o(wd_last), .addr_o(wd_addr), .beats_o(wd_beats), .i2_o(wd_i2), .k_o(wd_k)
  );

  // The beat being placed, entry by entry (entries up to a beat) or slice by slice (larger ones).
  logic            beat_valid_q;
  logic [MemW-1:0] beat_q;
  logic [31:0]     x_q;          // entry of the span
  logic [5:0]      slice_q;      // slice of the entry (entries larger than a beat)
  logic [31:0]     pos_q;        // entry within the beat
  logic [31:0]     koff_q;       // buffer offset of the span: k * kstride
  logic            small_entries;
  logic [31:0]     per_beat, slices;
  assign small_entries = {1'b0, xd_elog2} <= 5'(MbLog2);
  assign per_beat      = small_entries ? (32'd1 << (5'(MbLog2) - {1'b0, xd_elog2})) : 32'd1;
  assign slices        = small_entries ? 32'd1 : (32'd1 << ({1'b0, xd_elog2} - 5'(MbLog2)));

  logic emit, entry_done, beat_done, span_done;
  assign emit       = beat_valid_q;
  assign entry_done = small_entries || (32'(slice_q) + 32'd1 == slices);
  assign span_done  = emit && entry_done && (x_q + 32'd1 == xd_n);
  assign beat_done  = emit && (small_entries ? (pos_q + 32'd1 == per_beat || span_done) : 1'b1);
  // A finishing beat makes room for the next, except at the transfer's end: the next beat belongs
  // to the next transfer, which must be set up first.
  assign r_ready_o  = busy_q && (!beat_valid_q || (beat_done && !(span_done && wd_last))) && d_loaded_q && wd_valid;
  assign wd_load    = busy_q && (xd_q != XferEnd) && !d_loaded_q && xd_en;
  assign wd_next    = span_done;

  logic r_fire;
  assign r_fire       = r_valid_i && r_ready_o;
  assign r_burst_done = r_fire && r_last_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      xd_q         <= XferEnd;
      d_loaded_q   <= 1'b0;
      beat_valid_q <= 1'b0;
    end else begin
      if (cmd_i && !busy_q) begin
        xd_q       <= first_xfer;
        d_loaded_q <= 1'b0;
      end else if (busy_q && xd_q != XferEnd) begin
        if (!d_loaded_q) begin
          if (xd_en) d_loaded_q <= 1'b1;
          else       xd_q <= (xd_q == last_xfer_q) ? XferEnd : xd_q + 3'd1;
        end else if (!wd_valid && !beat_valid_q) begin
          d_loaded_q <= 1'b0;
          xd_q       <= (xd_q == last_xfer_q) ? XferEnd : xd_q + 3'd1;
        end
      end
      if (r_fire) beat_valid_q <= 1'b1;
      else if (beat_done) beat_valid_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (wd_load) begin
      x_q     <= '0;
      slice_q <= '0;
      koff_q  <= '0;
    end
    if (r_fire) begin
      beat_q <= r_data_i;
      pos_q  <= '0;
    end else if (emit && small_entries) begin
      beat_q <= beat_q >> (32'd8 << xd_elog2);
      pos_q  <= pos_q + 32'd1;
    end
    if (emit) begin
      if (entry_done) begin
        slice_q <= '0;
        x_q     <= span_done ? 32'd0 : x_q + 32'd1;
      end else begin
        slice_q <= slice_q + 6'd1;
      end
      if (span_done) koff_q <= koff_q + xd_kstride;
    end
  end

  // Descriptor fetches land in fetched_o, a beat at a time.
  localparam int DescBeats = (DescWords * 4 + MemBytes - 1) / MemBytes;
  logic [DescBeats*MemW-1:0] fetched_q;
  logic [7:0] fetch_beat_q;
  always_ff @(posedge clk_i) begin
    if (cmd_i && !busy_q) fetch_beat_q <= '0;
    if (emit && xd_q == XferDesc) begin
      fetched_q[fetch_beat_q*MemW +: MemW] <= beat_q;
      fetch_beat_q <= fetch_beat_q + 8'd1;
    end
  end
  assign fetched_o = fetched_q[DescWords*32-1:0];

  assign fill_we_o    = emit && xd_q != XferDesc;
  assign fill_buf_o   = xd_buf;
  assign fill_bank_o  = xd_bank_by_span ? 8'(wd_i2) : 8'(x_q & ((32'd1 << xd_banks) - 32'd1));
  assign fill_entry_o = xd_bank_by_span ? 24'(x_q) : 24'(xd_base + koff_q + (x_q >> xd_banks));
  assign fill_slice_o = slice_q;
  assign fill_data_o  = beat_q;

  // ---------------------------------------------------------------------------------------------
  // Command state.
  logic [31:0] beats_q;
  logic        misaligned_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      fetch_q      <= 1'b0;
      fetch_addr_q <= '0;
      last_xfer_q  <= XferDesc;
      beats_q      <= '0;
      misaligned_q <= 1'b0;
    end else begin
      if (cmd_i && !busy_q) begin
        busy_q       <= 1'b1;
        fetch_q      <= cmd_fetch_i;
        last_xfer_q  <= cmd_fetch_i ? XferDesc : (cmd_data_i ? LastPhaseB : LastPhaseA);
        fetch_addr_q <= cmd_addr_i;
        beats_q      <= '0;
        misaligned_q <= 1'b0;
      end else if (busy_q && xa_q == XferEnd && xd_q == XferEnd && inflight_q == 0) begin
        busy_q <= 1'b0;
      end
      if (r_fire) beats_q <= beats_q + 32'd1;
      if (wa_valid && !a_started_q && a_loaded_q && wa_addr[MbLog2-1:0] != '0) misaligned_q <= 1'b1;
    end
  end
  assign busy_o       = busy_q;
  assign done_o       = busy_q && xa_q == XferEnd && xd_q == XferEnd && inflight_q == 0;
  assign beats_o      = beats_q;
  assign misaligned_o = misaligned_q;

  logic unused_bits;
  assign unused_bits = ^{fetch_q, wd_i2[15:8], fetched_q[DescBeats*MemW-1:DescWords*32], wa_last, wa_k, wa_i2, wd_addr, wd_beats, wd_last, wd_k, xa_buf, xa_banks,
                         xa_bank_by_span, xa_base, xa_kstride, r_last_i};
endmodule
