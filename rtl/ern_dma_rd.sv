// Read DMA: performs one command at a time, the fetch of a job descriptor or one of the two phases
// of a job's loads (first the embedding tables, weights and thresholds, which depend on no earlier
// job; then the image, activations and residual, which may), on an AXI-like read port, and writes
// what arrives into the engine's buffers through its host port (one entry, or one beat-sized slice
// of a wider entry, per cycle).
//
// Two walkers traverse the same transfers: the address side (ern_dma_addr) issues bursts of up to
// MaxBurst beats, at most MaxReads in flight; the data side (ern_dma_entries) places the beats,
// which return in order.
`include "ern_assert.svh"
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
  localparam int InflightW = $clog2(MaxReads + 1);
  // An entry has at most 64 beat-sized slices (fill_slice_o), 2^15 bytes (a 4-bit size).
  localparam int MaxELog2 = ($clog2(MemBytes) + 6 < 15) ? $clog2(MemBytes) + 6 : 15;
  `ERN_ELAB_CHECK(g_bad_max_reads, MaxReads >= 1, "ern_dma_rd: MaxReads must be at least 1")
  `ERN_ELAB_CHECK(g_bad_banks, Banks >= 1 && (Banks & (Banks - 1)) == 0 && Banks <= 256, "ern_dma_rd: Banks must be a power of two up to 256")
  `ERN_ELAB_CHECK(g_bad_colours, EmbColours >= 1 && EmbColours <= 256, "ern_dma_rd: EmbColours must be 1..256 (a bank per colour)")
  `ERN_ELAB_CHECK(g_bad_entries, ELog2Wgt <= MaxELog2 && ELog2Thr <= MaxELog2 && ELog2Str <= MaxELog2, "ern_dma_rd: an entry is larger than 64 beats")

  logic        busy, start, d_done;
  logic [31:0] fetch_addr_q;
  logic [2:0]  first_xfer, last_xfer, last_xfer_q;  // the command's first and last transfer
  // Phase A: tables, weights, thresholds; phase B: image, activations, residual.
  assign first_xfer = cmd_fetch_i ? ern_pkg::LoadDesc : (cmd_data_i ? ern_pkg::LoadImg : ern_pkg::LoadEmb);
  assign last_xfer  = cmd_fetch_i ? ern_pkg::LoadDesc : (cmd_data_i ? ern_pkg::LoadRes : ern_pkg::LoadThr);

  // ---------------------------------------------------------------------------------------------
  // Address side.
  logic [2:0]  xa;
  logic        xa_en, xa_bank_by_span;
  logic [31:0] xa_addr0, xa_s1, xa_s2, xa_n, xa_base, xa_kstride;
  logic [15:0] xa_n1, xa_n2;
  logic [3:0]  xa_elog2, xa_buf, xa_banks;
  ern_load_xfer #(
    .DescWords(DescWords), .MemBytes(MemBytes), .Banks(Banks), .PePix(PePix), .EmbColours(EmbColours),
    .ELog2Wgt(ELog2Wgt), .ELog2Thr(ELog2Thr), .ELog2Str(ELog2Str)
  ) u_xfer_a (
    .xfer_i(xa), .desc_i, .fetch_addr_i(fetch_addr_q), .enabled_o(xa_en), .addr0_o(xa_addr0),
    .stride1_o(xa_s1), .stride2_o(xa_s2), .n1_o(xa_n1), .n2_o(xa_n2), .n_o(xa_n), .elog2_o(xa_elog2),
    .buf_o(xa_buf), .banks_log2_o(xa_banks), .bank_by_span_o(xa_bank_by_span), .base_o(xa_base),
    .kstride_o(xa_kstride)
  );

  logic [InflightW-1:0] inflight_q;
  logic                 can_issue, ar_fire, r_fire, r_burst_done;
  assign can_issue = (32'(inflight_q) < 32'(MaxReads));
  ern_dma_addr #(.MemBytes(MemBytes), .MaxBurst(MaxBurst), .EndXfer(ern_pkg::LoadEnd)) u_addr (
    .clk_i, .rst_ni, .cmd_i, .first_i(first_xfer), .last_i(last_xfer_q), .idle_i(d_done && inflight_q == 0),
    .beat_i(r_fire), .start_o(start), .busy_o(busy), .done_o, .beats_o, .misaligned_o, .xfer_o(xa), .enabled_i(xa_en),
    .addr0_i(xa_addr0), .stride1_i(xa_s1), .stride2_i(xa_s2), .n1_i(xa_n1), .n2_i(xa_n2), .n_i(xa_n),
    .elog2_i(xa_elog2), .can_issue_i(can_issue), .valid_o(ar_valid_o), .ready_i(ar_ready_i), .addr_o(ar_addr_o),
    .len_o(ar_len_o)
  );
  assign ar_fire = ar_valid_o && ar_ready_i;

  logic [InflightW-1:0] inflight_d;
  assign inflight_d = inflight_q + InflightW'(ar_fire) - InflightW'(r_burst_done);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) inflight_q <= '0;
    else         inflight_q <= inflight_d;
  end

  // ---------------------------------------------------------------------------------------------
  // Data side.
  logic [2:0]  xd;
  logic        xd_en, xd_bank_by_span;
  logic [31:0] xd_addr0, xd_s1, xd_s2, xd_n, xd_base, xd_kstride;
  logic [15:0] xd_n1, xd_n2;
  logic [3:0]  xd_elog2, xd_buf, xd_banks;
  ern_load_xfer #(
    .DescWords(DescWords), .MemBytes(MemBytes), .Banks(Banks), .PePix(PePix), .EmbColours(EmbColours),
    .ELog2Wgt(ELog2Wgt), .ELog2Thr(ELog2Thr), .ELog2Str(ELog2Str)
  ) u_xfer_d (
    .xfer_i(xd), .desc_i, .fetch_addr_i(fetch_addr_q), .enabled_o(xd_en), .addr0_o(xd_addr0),
    .stride1_o(xd_s1), .stride2_o(xd_s2), .n1_o(xd_n1), .n2_o(xd_n2), .n_o(xd_n), .elog2_o(xd_elog2),
    .buf_o(xd_buf), .banks_log2_o(xd_banks), .bank_by_span_o(xd_bank_by_span), .base_o(xd_base),
    .kstride_o(xd_kstride)
  );

  // The beat being placed, entry by entry (entries up to a beat) or slice by slice (larger ones).
  logic            beat_valid_q;
  logic [MemW-1:0] beat_q;
  logic [31:0]     pos_q;  // entry within the beat
  logic            d_ready, d_load, span_last, small_entries, span_done;
  logic [31:0]     per_beat;
  logic [15:0]     span_i2;
  ern_dma_entries #(.MemBytes(MemBytes), .EndXfer(ern_pkg::LoadEnd)) u_entries (
    .clk_i, .rst_ni, .start_i(start), .first_i(first_xfer), .last_i(last_xfer_q), .busy_i(busy), .xfer_o(xd),
    .enabled_i(xd_en), .addr0_i(xd_addr0), .stride1_i(xd_s1), .stride2_i(xd_s2), .n1_i(xd_n1), .n2_i(xd_n2),
    .n_i(xd_n), .elog2_i(xd_elog2), .banks_log2_i(xd_banks), .bank_by_span_i(xd_bank_by_span), .base_i(xd_base),
    .kstride_i(xd_kstride), .step_i(beat_valid_q), .hold_i(beat_valid_q), .ready_o(d_ready), .load_o(d_load),
    .span_last_o(span_last), .i2_o(span_i2), .small_o(small_entries), .per_beat_o(per_beat),
    .span_done_o(span_done), .bank_o(fill_bank_o), .entry_o(fill_entry_o),
    .slice_o(fill_slice_o), .done_o(d_done)
  );

  logic emit, beat_done;
  assign emit      = beat_valid_q;
  assign beat_done = emit && (small_entries ? (pos_q + 32'd1 == per_beat || span_done) : 1'b1);
  // A finishing beat makes room for the next, except at the transfer's end: the next beat belongs
  // to the next transfer, which must be set up first.
  assign r_ready_o    = busy && (!beat_valid_q || (beat_done && !(span_done && span_last))) && d_ready;
  assign r_fire       = r_valid_i && r_ready_o;
  assign r_burst_done = r_fire && r_last_i;

  logic beat_valid_d;
  always_comb begin
    beat_valid_d = beat_valid_q;
    if (r_fire)         beat_valid_d = 1'b1;
    else if (beat_done) beat_valid_d = 1'b0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) beat_valid_q <= 1'b0;
    else         beat_valid_q <= beat_valid_d;
  end

  // Small entries leave the beat one by one from its low end.
  logic [MemW-1:0] beat_d;
  logic [31:0]     pos_d;
  always_comb begin
    beat_d = beat_q;
    pos_d  = pos_q;
    if (r_fire) begin
      beat_d = r_data_i;
      pos_d  = '0;
    end else if (emit && small_entries) begin
      beat_d = beat_q >> (32'd8 << xd_elog2);
      pos_d  = pos_q + 32'd1;
    end
  end

  always_ff @(posedge clk_i) begin
    beat_q <= beat_d;
    pos_q  <= pos_d;
  end

  // Descriptor fetches land in fetched_o, a beat at a time.
  localparam int DescBeats = (DescWords * ern_pkg::DescWordBytes + MemBytes - 1) / MemBytes;
  logic [DescBeats*MemW-1:0] fetched_q;
  logic [7:0] fetch_beat_q, fetch_beat_d;
  logic       fetch_emit;
  assign fetch_emit = emit && xd == ern_pkg::LoadDesc;
  always_comb begin
    fetch_beat_d = fetch_beat_q;
    if (start) fetch_beat_d = '0;
    if (fetch_emit) fetch_beat_d = fetch_beat_q + 8'd1;
  end

  always_ff @(posedge clk_i) begin
    fetch_beat_q <= fetch_beat_d;
    if (fetch_emit) fetched_q[fetch_beat_q*MemW +: MemW] <= beat_q;
  end
  assign fetched_o = fetched_q[DescWords*32-1:0];

  assign fill_we_o   = emit && xd != ern_pkg::LoadDesc;
  assign fill_buf_o  = xd_buf;
  assign fill_data_o = beat_q;

  // The command's transfers, and where a descriptor fetch reads.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fetch_addr_q <= '0;
      last_xfer_q  <= ern_pkg::LoadDesc;
    end else if (start) begin
      fetch_addr_q <= cmd_addr_i;
      last_xfer_q  <= last_xfer;
    end
  end
  assign busy_o = busy;

  logic unused_bits;
  assign unused_bits = ^{span_i2, fetched_q[DescBeats*MemW-1:DescWords*32], xa_buf, xa_banks, xa_bank_by_span,
                         xa_base, xa_kstride, d_load, r_last_i};
endmodule
