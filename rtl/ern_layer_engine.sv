// The layer engine: runs one job (a tile of output rows x a range of output-channel groups of a
// binary conv layer, or a tile of rows of the pixel embedding) out of on-chip buffers that a host
// port fills, and leaves the results in output buffers. The host port may fill input buffers and
// drain output buffers while a job runs (the regions a job uses are its to keep apart), so that
// loads and stores of neighbouring jobs overlap the compute. Output-channel groups, pixel groups, taps
// and input blocks are sequenced here; see docs/rtl.md for the buffer layouts and timing.
//
// Conv loop, innermost last: group of PeOut output channels -> output row -> group of PePix
// output pixels -> tap (ky, kx) -> input block. Every cycle issues one step: PePix activation
// words (banked by x mod 2*PePix, so the pixels of a group never collide, at stride 1 or 2) and one
// weight entry (PeOut x 64 sign bits) into the PE array. Addresses are kept incrementally with
// adders only. The pipeline never stalls, so a job takes a fixed number of cycles:
//   conv:  og_count * out_rows * out_pgs * taps * in_blocks + 7
//   embed: out_rows * in_width + 4
// (cycles from the start pulse to the done pulse; derived in docs/rtl.md, checked by tests).
`include "ern_assert.svh"
`include "ern_job_desc.svh"
`include "ern_widths.svh"

module ern_layer_engine #(
  parameter int PeOut        = 8,
  parameter int PePix        = 2,
  parameter int StreamW      = 16,
  parameter int MaxInBlocks  = 32,
  parameter int ActDepth     = 512,
  parameter int WgtDepth     = 576,
  parameter int ThrDepth     = 128,
  parameter int StrDepth     = 1024,
  parameter int OutDepth     = 1024,
  parameter int SumDepth     = 128,
  parameter int ImgDepth     = 1024,
  parameter int EmbColours   = 3,
  parameter int EmbPerColour = 10,
  parameter int MemBytes     = 8,    // width of a wide host access (the memory beat)
  localparam int HostW = MemBytes * 8
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Host ports, usable while a job runs: the write port fills input buffers and the descriptor,
  // the read port drains output buffers (data the cycle after the request). A narrow access moves
  // 64-bit word `word` of an entry; a wide one moves HostW-bit slice `word`.
  input  logic             wr_en_i,
  input  logic             wr_wide_i,
  input  logic [3:0]       wr_buf_i,
  input  logic [7:0]       wr_bank_i,
  input  logic [23:0]      wr_entry_i,
  input  logic [5:0]       wr_word_i,
  input  logic [HostW-1:0] wr_data_i,
  input  logic             rd_en_i,
  input  logic             rd_wide_i,
  input  logic [3:0]       rd_buf_i,
  input  logic [7:0]       rd_bank_i,
  input  logic [23:0]      rd_entry_i,
  input  logic [5:0]       rd_word_i,
  output logic [HostW-1:0] rd_data_o,
  output logic             rd_gnt_o,  // the read is served (the engine may hold the sum RAM)
  // The controller loads the whole descriptor at once.
  input  logic                    stage_we_i,
  input  logic [`ERN_JOB_ENGINE_WORDS*32-1:0] stage_desc_i,
  // Control and status.
  input  logic        start_i,
  input  logic        hold_i,       // pause issuing steps (bubbles): data for them is not ready
  output logic        busy_o,
  output logic        done_o,       // one-cycle pulse at the end of a job
  output logic [2:0]  state_o,      // the sequencer state (for the watchdog's diagnosis)
  output logic [31:0] steps_o,      // steps issued in the current job: the progress counter
  output logic [31:0] overflows_o,  // stream values of the job that did not fit StreamW
  output logic        tile_error_o  // a read fell outside the input rows held in the buffer
);
  // ---------------------------------------------------------------------------------------------
  // Derived sizes.
  localparam int Lanes      = ern_pkg::Lanes;
  localparam int Banks      = 2 * PePix;
  localparam int BankW      = $clog2(Banks);
  localparam int AccW       = `ERN_ACC_W(MaxInBlocks);
  localparam int ValueW     = `ERN_VALUE_W(AccW, StreamW);
  localparam int ThrW       = `ERN_THR_W(ValueW);
  localparam int ThrEntryW  = `ERN_THR_ENTRY_W(ThrW);
  localparam int SumW       = ern_pkg::SumW;
  localparam int DescWords  = `ERN_JOB_DESC_WORDS;
  localparam int EngWords   = `ERN_JOB_ENGINE_WORDS;  // the engine's fields lead the descriptor
  localparam int PixIdxW    = (PePix > 1) ? $clog2(PePix) : 1;
  localparam int PixLog2    = $clog2(PePix);
  localparam int PeOutLog2  = $clog2(PeOut);

  // RAM entry widths: up to 64 bits, or whole 64-bit words so the host can fill them by word.
  localparam int ActW    = 2 * Lanes;
  localparam int WgtW    = PeOut * Lanes;
  localparam int ThrRamW = (PeOut * ThrEntryW <= 64) ? PeOut * ThrEntryW : ((PeOut * ThrEntryW + 63) / 64) * 64;
  localparam int StrRamW = (PeOut * StreamW <= 64) ? PeOut * StreamW : ((PeOut * StreamW + 63) / 64) * 64;
  localparam int OutRamW = 2 * Lanes;  // a whole 64-lane word {plane 1, plane 0}, written by byte lanes
  localparam int SumRamW = (PeOut * SumW <= 64) ? PeOut * SumW : ((PeOut * SumW + 63) / 64) * 64;
  localparam int ImgW    = 64;  // up to two pixels of 32 bits (paired embedding)

  localparam int ActAW = $clog2(ActDepth);
  localparam int WgtAW = $clog2(WgtDepth);
  localparam int ThrAW = $clog2(ThrDepth);
  localparam int StrAW = $clog2(StrDepth);
  localparam int OutAW = $clog2(OutDepth);
  localparam int SumAW = $clog2(SumDepth);
  localparam int ImgAW = $clog2(ImgDepth);

  `ERN_ELAB_CHECK(g_bad_pe_pix, PePix >= 1 && (PePix & (PePix - 1)) == 0, "ern_layer_engine: PePix must be a power of two")
  `ERN_ELAB_CHECK(g_bad_pe_out, PeOut >= 8 && PeOut <= Lanes && (Lanes % PeOut) == 0, "ern_layer_engine: PeOut must be 8..64 and divide 64")
  `ERN_ELAB_CHECK(g_bad_stream_w, StreamW >= 2 && StreamW <= 31, "ern_layer_engine: StreamW must be 2..31")
  // A wide host access is a power of two of 64-bit words (the debug port moves one).
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 8 && (MemBytes & (MemBytes - 1)) == 0, "ern_layer_engine: MemBytes must be a power of two, at least 8")
  // The descriptor's in_blocks field has 8 bits.
  `ERN_ELAB_CHECK(g_bad_in_blocks, MaxInBlocks >= 1 && MaxInBlocks <= 255, "ern_layer_engine: MaxInBlocks must be 1..255")
  `ERN_ELAB_CHECK(g_bad_depths, ActDepth >= 2 && WgtDepth >= 2 && ThrDepth >= 2 && StrDepth >= 2 && OutDepth >= 2 &&
                  SumDepth >= 2 && ImgDepth >= 2, "ern_layer_engine: every buffer depth must be at least 2")
  `ERN_ELAB_CHECK(g_bad_colours, EmbColours >= 1 && EmbPerColour >= 1, "ern_layer_engine: EmbColours and EmbPerColour must be at least 1")

  // Host buffer ids (ern_pkg::Buf*) and sequencer states (ern_pkg::St*): rtl/ern_hw_spec.json.
  logic [2:0] state_q, state_d;
  logic   busy;
  // Nothing is in flight once the job is done.
  assign busy = (state_q != ern_pkg::StIdle) && (state_q != ern_pkg::StDone);

  // ---------------------------------------------------------------------------------------------
  // The job descriptor: the host writes the next one into a staging copy, which the start pulse
  // latches, so that it may be written while the previous job runs. Only the engine's own words
  // are kept; the rest of the descriptor is the controller's.
  logic [31:0] desc_stage_q [EngWords];
  logic [31:0] desc_q [EngWords];
  always_ff @(posedge clk_i) begin
    if (stage_we_i) begin
      for (int i = 0; i < EngWords; i++) desc_stage_q[i] <= stage_desc_i[i*32 +: 32];
    end else if (wr_en_i && wr_buf_i == ern_pkg::BufDesc && 32'(wr_entry_i) < 32'(EngWords)) begin
      desc_stage_q[wr_entry_i[$clog2(EngWords)-1:0]] <= wr_data_i[31:0];
    end
    if (state_q == ern_pkg::StIdle && start_i) begin
      for (int i = 0; i < EngWords; i++) desc_q[i] <= desc_stage_q[i];
    end
  end

  logic        d_embed, d_kernel3, d_stride2, d_residual, d_write_act, d_write_stream, d_write_sum;
  logic        d_sum_accumulate, d_paired;
  logic [7:0]  d_in_blocks, d_last_og_lanes;
  logic [15:0] d_og_count, d_og0, d_in_height, d_in_width, d_in_y0, d_in_rows, d_out_y0, d_out_rows;
  logic [15:0] d_out_width, d_out_pgs, d_img_width, d_act_row_stride;
  logic [31:0] d_act_block_stride, d_act_row0_offset, d_act_base, d_wgt_base, d_thr_base;
  logic [31:0] d_res_base, d_oact_base, d_ostr_base, d_sum_base, d_img_base;
  assign d_embed            = (`ERN_JOB_OP(desc_q) == 2'(`ERN_JOB_OP_EMBED));
  assign d_kernel3          = `ERN_JOB_KERNEL3(desc_q);
  assign d_stride2          = `ERN_JOB_STRIDE2(desc_q);
  assign d_residual         = `ERN_JOB_RESIDUAL(desc_q);
  assign d_write_act        = `ERN_JOB_WRITE_ACT(desc_q);
  assign d_write_stream     = `ERN_JOB_WRITE_STREAM(desc_q);
  assign d_write_sum        = `ERN_JOB_WRITE_SUM(desc_q);
  assign d_sum_accumulate   = `ERN_JOB_SUM_ACCUMULATE(desc_q);
  assign d_paired           = `ERN_JOB_PAIRED(desc_q);
  assign d_in_blocks        = `ERN_JOB_IN_BLOCKS(desc_q);
  assign d_last_og_lanes    = `ERN_JOB_LAST_OG_LANES(desc_q);
  assign d_og_count         = `ERN_JOB_OG_COUNT(desc_q);
  assign d_og0              = `ERN_JOB_OG0(desc_q);
  assign d_in_height        = `ERN_JOB_IN_HEIGHT(desc_q);
  assign d_in_width         = `ERN_JOB_IN_WIDTH(desc_q);
  assign d_in_y0            = `ERN_JOB_IN_Y0(desc_q);
  assign d_in_rows          = `ERN_JOB_IN_ROWS(desc_q);
  assign d_out_y0           = `ERN_JOB_OUT_Y0(desc_q);
  assign d_out_rows         = `ERN_JOB_OUT_ROWS(desc_q);
  assign d_out_width        = `ERN_JOB_OUT_WIDTH(desc_q);
  assign d_out_pgs          = `ERN_JOB_OUT_PGS(desc_q);
  assign d_img_width        = `ERN_JOB_IMG_WIDTH(desc_q);
  assign d_act_row_stride   = `ERN_JOB_ACT_ROW_STRIDE(desc_q);
  assign d_act_block_stride = `ERN_JOB_ACT_BLOCK_STRIDE(desc_q);
  assign d_act_row0_offset  = `ERN_JOB_ACT_ROW0_OFFSET(desc_q);
  assign d_act_base         = `ERN_JOB_ACT_BASE(desc_q);
  assign d_wgt_base         = `ERN_JOB_WGT_BASE(desc_q);
  assign d_thr_base         = `ERN_JOB_THR_BASE(desc_q);
  assign d_res_base         = `ERN_JOB_RES_BASE(desc_q);
  assign d_oact_base        = `ERN_JOB_OACT_BASE(desc_q);
  assign d_ostr_base        = `ERN_JOB_OSTR_BASE(desc_q);
  assign d_sum_base         = `ERN_JOB_SUM_BASE(desc_q);
  assign d_img_base         = `ERN_JOB_IMG_BASE(desc_q);

  // ---------------------------------------------------------------------------------------------
  // Conv sequencer.
  logic [15:0] og_q, oy_q, pgx_q;
  logic [1:0]  ky_q, kx_q;
  logic [7:0]  b_q;
  logic signed [17:0] iy_grp_q;     // input row of tap row 0 of the current output row
  logic signed [33:0] row_off_q;    // its entry offset from the tile start
  logic signed [33:0] ky_off_q;     // ky * act_row_stride
  logic [31:0] blk_off_q;           // b * act_block_stride
  logic [15:0] x0_q;                // first output column of the pixel group
  logic [31:0] w_og_base_q, w_step_q, grp_q, steps_q;
  // Placement of 2-bit outputs in 64-lane words: the first lane of the current channel group, and
  // the output entries of the 64-lane blocks before the current one.
  logic [5:0]  lane_off_q;
  logic [31:0] og_start_grp_q, oact_blk_off_q;

  logic [1:0]  k_last, kx_end;
  logic [31:0] steps_per_group;
  logic        b_last, kx_last, ky_last, pgx_last, oy_last, og_last;
  // Pixel pairs: a 3x3 stride-2 window covers 3 rows of 2 words (the second word's upper half,
  // pixel 2x + 2, lies outside and is masked).
  assign k_last          = d_kernel3 ? 2'd2 : 2'd0;
  assign kx_end          = d_paired ? 2'd1 : k_last;
  assign steps_per_group = d_paired  ? ({24'd0, d_in_blocks} << 2) + ({24'd0, d_in_blocks} << 1)
                         : d_kernel3 ? ({24'd0, d_in_blocks} << 3) + {24'd0, d_in_blocks}
                                     : {24'd0, d_in_blocks};
  assign b_last   = (b_q == d_in_blocks - 8'd1);
  assign kx_last  = (kx_q == kx_end);
  assign ky_last  = (ky_q == k_last);
  assign pgx_last = (pgx_q == d_out_pgs - 16'd1);
  assign oy_last  = (oy_q == d_out_rows - 16'd1);
  assign og_last  = (og_q == d_og_count - 16'd1);

  logic issue, step_first, step_last, job_last_step;
  assign issue         = (state_q == ern_pkg::StConv) && !hold_i;
  assign step_first    = (ky_q == 2'd0) && (kx_q == 2'd0) && (b_q == 8'd0);
  assign step_last     = b_last && kx_last && ky_last;
  assign job_last_step = step_last && pgx_last && oy_last && og_last;

  // Geometry of the step: the input row, and for each bank the input column it reads.
  logic signed [17:0] iy, xs;
  logic signed [33:0] row_off;
  logic               row_valid, row_in_tile;
  logic [1:0]         pad;
  assign pad         = d_kernel3 ? 2'd1 : 2'd0;
  assign iy          = iy_grp_q + 18'(ky_q);
  assign row_off     = row_off_q + ky_off_q;
  assign row_valid   = (iy >= 0) && (iy < $signed({2'b0, d_in_height}));
  assign row_in_tile = (iy >= $signed({2'b0, d_in_y0})) && (iy < $signed({2'b0, d_in_y0}) + $signed({2'b0, d_in_rows}));
  // Columns: a stride-2 conv over pixel pairs steps one word per output column, without padding.
  logic stride_x2;
  assign stride_x2   = d_stride2 && !d_paired;
  assign xs          = $signed({2'b0, stride_x2 ? {x0_q[14:0], 1'b0} : x0_q}) + 18'(kx_q) - (d_paired ? 18'd0 : 18'(pad));

  logic [ActAW-1:0]   act_raddr [Banks];
  logic [PePix-1:0]   slot_valid;
  logic [PePix*BankW-1:0] slot_bank;  // slot p's bank at [p*BankW +: BankW]
  logic [PePix-1:0]   pix_valid;
  always_comb begin
    for (int j = 0; j < Banks; j++) begin
      // The column of bank j: the one in [xs, xs + Banks) congruent to j.
      logic [BankW-1:0]   delta;
      logic signed [17:0] xj;
      delta = BankW'(j) - xs[BankW-1:0];
      xj = xs + 18'(delta);
      act_raddr[j] = ActAW'($signed({2'b0, d_act_base}) + $signed({2'b0, blk_off_q}) + row_off +
                            (34'(xj) >>> BankW));
    end
    for (int p = 0; p < PePix; p++) begin
      logic signed [17:0] xp;
      xp = xs + (stride_x2 ? 18'(2 * p) : 18'(p));
      slot_bank[p*BankW +: BankW] = BankW'(xp);
      pix_valid[p]  = ({16'd0, x0_q} + 32'(p)) < {16'd0, d_out_width};
      slot_valid[p] = row_valid && (xp >= 0) && (xp < $signed({2'b0, d_in_width})) && pix_valid[p];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Embedding sequencer: one pixel per cycle, row by row.
  logic [15:0] ey_q, ex_q;
  logic [31:0] epix_q;
  logic [33:0] erow_off_q;
  logic        emb_issue, emb_x_last, emb_y_last;
  assign emb_issue  = (state_q == ern_pkg::StEmbed) && !hold_i;
  assign emb_x_last = (ex_q == d_in_width - 16'd1);
  assign emb_y_last = (ey_q == d_out_rows - 16'd1);

  // ---------------------------------------------------------------------------------------------
  // Pipeline tags. S1: buffer data; S2, S3: PE stages (S3 holds finished sums); S4, S5:
  // post-processing stages (S5 writes the outputs).
  logic             s1_valid_q, s1_first_q, s1_last_q, s1_og_first_q, s1_og_last_q;
  logic [PePix-1:0] s1_slot_valid_q, s1_pix_valid_q;
  logic             s1_lower_only_q;  // pixel pairs, second word: only its lower pixel is in the window
  logic [PePix*BankW-1:0] s1_slot_bank_q;
  logic [15:0]      s1_og_q;
  logic [31:0]      s1_grp_q, s1_oact_q;
  logic [5:0]       s1_lane_q;
  logic             s2_valid_q, s2_last_q, s2_og_first_q, s2_og_last_q;
  logic [PePix-1:0] s2_pix_valid_q;
  logic [15:0]      s2_og_q;
  logic [31:0]      s2_grp_q, s2_oact_q;
  logic [5:0]       s2_lane_q;
  logic             s3_valid_q, s3_og_first_q, s3_og_last_q;
  logic [PePix-1:0] s3_pix_valid_q;
  logic [15:0]      s3_og_q;
  logic [31:0]      s3_grp_q, s3_oact_q;
  logic [5:0]       s3_lane_q;
  logic             s4_valid_q, s4_og_first_q, s4_og_last_q;
  logic [PePix-1:0] s4_pix_valid_q;
  logic [15:0]      s4_og_q;
  logic [31:0]      s4_grp_q, s4_oact_q;
  logic [5:0]       s4_lane_q;
  logic [PePix-1:0] s5_pix_valid_q;
  logic [15:0]      s5_og_q;
  logic [31:0]      s5_grp_q, s5_oact_q;
  logic [5:0]       s5_lane_q;
  // Embedding tags: S1 image data, S2 table data.
  logic             e1_valid_q, e2_valid_q;
  logic [15:0]      e1_x_q, e2_x_q;
  logic [33:0]      e1_row_off_q, e2_row_off_q;

  logic pipeline_busy;
  logic pp_valid;  // post-processing output valid (S5)
  assign pipeline_busy = s1_valid_q || s2_valid_q || s3_valid_q || s4_valid_q || pp_valid || e1_valid_q || e2_valid_q;

  // ---------------------------------------------------------------------------------------------
  // State and counters.
  always_comb begin
    state_d = state_q;
    case (state_q)
      ern_pkg::StIdle:  if (start_i) state_d = ern_pkg::StInit;
      ern_pkg::StInit: begin
        if (d_embed) state_d = ern_pkg::StEmbed;
        else         state_d = ern_pkg::StConv;
      end
      ern_pkg::StConv:  if (issue && job_last_step) state_d = ern_pkg::StDrain;
      ern_pkg::StEmbed: if (emb_issue && emb_x_last && emb_y_last) state_d = ern_pkg::StDrain;
      ern_pkg::StDrain: if (!pipeline_busy) state_d = ern_pkg::StDone;
      ern_pkg::StDone:  state_d = ern_pkg::StIdle;
      default: state_d = ern_pkg::StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= ern_pkg::StIdle;
    end else begin
      state_q <= state_d;
    end
  end

  // The loop counters: next values in always_comb, registered without reset (StInit sets them
  // before the first step).
  logic [15:0] og_d, oy_d, pgx_d, x0_d, ey_d, ex_d;
  logic [1:0] ky_d, kx_d;
  logic [7:0] b_d;
  logic signed [17:0] iy_grp_d;
  logic signed [33:0] row_off_d, ky_off_d;
  logic [31:0] blk_off_d, w_og_base_d, w_step_d, grp_d, steps_d, og_start_grp_d, oact_blk_off_d, epix_d;
  logic [5:0] lane_off_d;
  logic [33:0] erow_off_d;
  always_comb begin
    og_d = og_q;
    oy_d = oy_q;
    pgx_d = pgx_q;
    ky_d = ky_q;
    kx_d = kx_q;
    b_d = b_q;
    iy_grp_d = iy_grp_q;
    row_off_d = row_off_q;
    ky_off_d = ky_off_q;
    blk_off_d = blk_off_q;
    x0_d = x0_q;
    w_og_base_d = w_og_base_q;
    w_step_d = w_step_q;
    grp_d = grp_q;
    steps_d = steps_q;
    lane_off_d = lane_off_q;
    og_start_grp_d = og_start_grp_q;
    oact_blk_off_d = oact_blk_off_q;
    ey_d = ey_q;
    ex_d = ex_q;
    epix_d = epix_q;
    erow_off_d = erow_off_q;
    if (state_q == ern_pkg::StInit) begin
      og_d        = '0;
      oy_d        = '0;
      pgx_d       = '0;
      ky_d        = '0;
      kx_d        = '0;
      b_d         = '0;
      iy_grp_d    = $signed({2'b0, d_stride2 ? {d_out_y0[14:0], 1'b0} : d_out_y0}) - 18'(pad);
      row_off_d   = 34'($signed(d_act_row0_offset));
      ky_off_d    = '0;
      blk_off_d   = '0;
      x0_d        = '0;
      w_og_base_d = d_wgt_base;
      w_step_d    = '0;
      grp_d       = '0;
      steps_d     = '0;
      lane_off_d     = 6'(32'(d_og0) << PeOutLog2);
      og_start_grp_d = '0;
      oact_blk_off_d = '0;
      ey_d        = '0;
      ex_d        = '0;
      epix_d      = d_img_base;
      erow_off_d  = '0;
    end else if (issue) begin
      steps_d = steps_q + 32'd1;
      // Input block, then kx, then ky.
      if (!b_last) begin
        b_d       = b_q + 8'd1;
        blk_off_d = blk_off_q + d_act_block_stride;
      end else begin
        b_d       = '0;
        blk_off_d = '0;
        if (!kx_last) begin
          kx_d = kx_q + 2'd1;
        end else begin
          kx_d = '0;
          if (!ky_last) begin
            ky_d     = ky_q + 2'd1;
            ky_off_d = ky_off_q + 34'(d_act_row_stride);
          end else begin
            ky_d     = '0;
            ky_off_d = '0;
          end
        end
      end
      w_step_d = step_last ? 32'd0 : w_step_q + 32'd1;
      if (step_last) begin
        grp_d = grp_q + 32'd1;
        // Pixel group, then output row, then output-channel group.
        if (!pgx_last) begin
          pgx_d = pgx_q + 16'd1;
          x0_d  = x0_q + 16'(PePix);
        end else begin
          pgx_d = '0;
          x0_d  = '0;
          if (!oy_last) begin
            oy_d      = oy_q + 16'd1;
            iy_grp_d  = iy_grp_q + (d_stride2 ? 18'd2 : 18'd1);
            row_off_d = row_off_q + (d_stride2 ? 34'({d_act_row_stride, 1'b0}) : 34'(d_act_row_stride));
          end else begin
            oy_d        = '0;
            iy_grp_d    = $signed({2'b0, d_stride2 ? {d_out_y0[14:0], 1'b0} : d_out_y0}) - 18'(pad);
            row_off_d   = 34'($signed(d_act_row0_offset));
            og_d           = og_q + 16'd1;
            w_og_base_d    = w_og_base_q + steps_per_group;
            og_start_grp_d = grp_q + 32'd1;
            lane_off_d     = lane_off_q + 6'(PeOut);
            // The next group starts a new 64-lane word: move past this block's entries.
            if (32'(lane_off_q) + 32'(PeOut) == 32'(Lanes)) begin
              oact_blk_off_d = oact_blk_off_q + grp_q + 32'd1 - og_start_grp_q;
            end
          end
        end
      end
    end else if (emb_issue) begin
      steps_d = steps_q + 32'd1;
      epix_d  = epix_q + 32'd1;
      if (!emb_x_last) begin
        ex_d = ex_q + 16'd1;
      end else begin
        ex_d       = '0;
        ey_d       = ey_q + 16'd1;
        erow_off_d = erow_off_q + 34'(d_out_pgs);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    og_q <= og_d;
    oy_q <= oy_d;
    pgx_q <= pgx_d;
    ky_q <= ky_d;
    kx_q <= kx_d;
    b_q <= b_d;
    iy_grp_q <= iy_grp_d;
    row_off_q <= row_off_d;
    ky_off_q <= ky_off_d;
    blk_off_q <= blk_off_d;
    x0_q <= x0_d;
    w_og_base_q <= w_og_base_d;
    w_step_q <= w_step_d;
    grp_q <= grp_d;
    steps_q <= steps_d;
    lane_off_q <= lane_off_d;
    og_start_grp_q <= og_start_grp_d;
    oact_blk_off_q <= oact_blk_off_d;
    ey_q <= ey_d;
    ex_q <= ex_d;
    epix_q <= epix_d;
    erow_off_q <= erow_off_d;
  end

  // ---------------------------------------------------------------------------------------------
  // Pipeline registers.
  // A step read a row outside the input tile the job's descriptor loaded.
  logic tile_error_q, tile_error_d;
  always_comb begin
    tile_error_d = tile_error_q;
    if (state_q == ern_pkg::StInit)                  tile_error_d = 1'b0;
    else if (issue && row_valid && !row_in_tile)     tile_error_d = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
      s3_valid_q <= 1'b0;
      s4_valid_q <= 1'b0;
      e1_valid_q <= 1'b0;
      e2_valid_q <= 1'b0;
      tile_error_q <= 1'b0;
    end else begin
      s1_valid_q <= issue;
      s2_valid_q <= s1_valid_q;
      s3_valid_q <= s2_valid_q && s2_last_q;  // S3 onwards carries finished pixel groups only
      s4_valid_q <= s3_valid_q;
      e1_valid_q <= emb_issue;
      e2_valid_q <= e1_valid_q;
      tile_error_q <= tile_error_d;
    end
  end

  always_ff @(posedge clk_i) begin
    s1_first_q      <= step_first;
    s1_last_q       <= step_last;
    s1_og_first_q   <= (pgx_q == 16'd0) && (oy_q == 16'd0);
    s1_og_last_q    <= pgx_last && oy_last;
    s1_slot_valid_q <= slot_valid;
    s1_lower_only_q <= d_paired && kx_q == 2'd1;
    s1_pix_valid_q  <= pix_valid;
    s1_slot_bank_q  <= slot_bank;
    s1_og_q         <= og_q;
    s1_grp_q        <= grp_q;
    s1_oact_q       <= d_oact_base + oact_blk_off_q + grp_q - og_start_grp_q;
    s1_lane_q       <= lane_off_q;
    s2_last_q       <= s1_last_q;
    s2_og_first_q   <= s1_og_first_q;
    s2_og_last_q    <= s1_og_last_q;
    s2_pix_valid_q  <= s1_pix_valid_q;
    s2_og_q         <= s1_og_q;
    s2_grp_q        <= s1_grp_q;
    s2_oact_q       <= s1_oact_q;
    s2_lane_q       <= s1_lane_q;
    s3_og_first_q   <= s2_og_first_q;
    s3_og_last_q    <= s2_og_last_q;
    s3_pix_valid_q  <= s2_pix_valid_q;
    s3_og_q         <= s2_og_q;
    s3_grp_q        <= s2_grp_q;
    s3_oact_q       <= s2_oact_q;
    s3_lane_q       <= s2_lane_q;
    s4_og_first_q   <= s3_og_first_q;
    s4_og_last_q    <= s3_og_last_q;
    s4_pix_valid_q  <= s3_pix_valid_q;
    s4_og_q         <= s3_og_q;
    s4_grp_q        <= s3_grp_q;
    s4_oact_q       <= s3_oact_q;
    s4_lane_q       <= s3_lane_q;
    s5_pix_valid_q  <= s4_pix_valid_q;
    s5_og_q         <= s4_og_q;
    s5_grp_q        <= s4_grp_q;
    s5_oact_q       <= s4_oact_q;
    s5_lane_q       <= s4_lane_q;
    e1_x_q          <= ex_q;
    e1_row_off_q    <= erow_off_q;
    e2_x_q          <= e1_x_q;
    e2_a_in_q       <= e1_x_q != 16'd0;
    e2_b_in_q       <= ({e1_x_q, 1'b0} < {1'b0, d_img_width});
    e2_row_off_q    <= e1_row_off_q;
  end

  // ---------------------------------------------------------------------------------------------
  // Buffers. Input buffers: the host writes, the engine reads. Output buffers: the engine writes,
  // the host reads (the sum RAM's read port is the engine's when it accumulates).
  // Writes: the mask selects the 64-bit words of the access; the data is repeated across the
  // widest entry, so that every word sees its own part.
  localparam int SliceWords = HostW / 64;
  logic [63:0]   host_word_mask;
  logic [4095:0] host_wdata_wide;
  assign host_word_mask  = wr_wide_i ? (64'((65'd1 << SliceWords) - 65'd1) << (wr_word_i * 6'(SliceWords)))
                                     : (64'd1 << wr_word_i);
  assign host_wdata_wide = wr_wide_i ? {(4096/HostW){wr_data_i}} : {64{wr_data_i[63:0]}};
  logic host_we, host_re, engine_sum_read;
  assign engine_sum_read = s3_valid_q && s3_og_first_q && d_sum_accumulate;
  assign host_we  = wr_en_i;
  assign host_re  = rd_en_i && !(rd_buf_i == ern_pkg::BufSum && engine_sum_read);
  assign rd_gnt_o = !(rd_en_i && rd_buf_i == ern_pkg::BufSum && engine_sum_read);

  // Activation input buffer: Banks banks of 128-bit entries {plane 1, plane 0}.
  logic [ActW-1:0] act_rdata [Banks];
  for (genvar j = 0; j < Banks; j++) begin : g_act
    ern_ram #(
      .Width(ActW),
      .Depth(ActDepth)
    ) u_ram (
      .clk_i,
      .we_i   (host_we && wr_buf_i == ern_pkg::BufAct && wr_bank_i == 8'(j)),
      .waddr_i(ActAW'(wr_entry_i)),
      .wmask_i(host_word_mask[1:0]),
      .wdata_i(host_wdata_wide[ActW-1:0]),
      .re_i   (issue),
      .raddr_i(act_raddr[j]),
      .rdata_o(act_rdata[j])
    );
  end

  // Weight buffer: PeOut x 64 sign bits per entry.
  logic [WgtW-1:0] wgt_rdata;
  ern_ram #(
    .Width(WgtW),
    .Depth(WgtDepth)
  ) u_wgt (
    .clk_i,
    .we_i   (host_we && wr_buf_i == ern_pkg::BufWgt),
    .waddr_i(WgtAW'(wr_entry_i)),
    .wmask_i(host_word_mask[WgtW/64-1:0]),
    .wdata_i(host_wdata_wide[WgtW-1:0]),
    .re_i   (issue),
    .raddr_i(WgtAW'(w_og_base_q + w_step_q)),
    .rdata_o(wgt_rdata)
  );

  // Threshold buffer: PeOut channel entries {t2, t1, t0, mode} per entry.
  logic [ThrRamW-1:0] thr_rdata;
  ern_ram #(
    .Width(ThrRamW),
    .Depth(ThrDepth)
  ) u_thr (
    .clk_i,
    .we_i   (host_we && wr_buf_i == ern_pkg::BufThr),
    .waddr_i(ThrAW'(wr_entry_i)),
    .wmask_i(host_word_mask[(ThrRamW+63)/64-1:0]),
    .wdata_i(host_wdata_wide[ThrRamW-1:0]),
    .re_i   (s2_valid_q && s2_last_q),
    .raddr_i(ThrAW'(d_thr_base + 32'(s2_og_q))),
    .rdata_o(thr_rdata)
  );

  // Residual input and stream output buffers: per pixel bank, PeOut stream values per entry.
  logic [StrRamW-1:0] res_rdata [PePix];
  logic [StrRamW-1:0] ostr_rdata [PePix];
  logic [OutRamW-1:0] oact_rdata [PePix];
  logic [PeOut*StreamW-1:0] pp_stream_bank [PePix];
  logic [2*PeOut-1:0]       pp_act_bank [PePix];
  logic                     write_act_s5, write_stream_s5;
  for (genvar p = 0; p < PePix; p++) begin : g_pix_bufs
    ern_ram #(
      .Width(StrRamW),
      .Depth(StrDepth)
    ) u_res (
      .clk_i,
      .we_i   (host_we && wr_buf_i == ern_pkg::BufRes && wr_bank_i == 8'(p)),
      .waddr_i(StrAW'(wr_entry_i)),
      .wmask_i(host_word_mask[(StrRamW+63)/64-1:0]),
      .wdata_i(host_wdata_wide[StrRamW-1:0]),
      .re_i   (s2_valid_q && s2_last_q),
      .raddr_i(StrAW'(d_res_base + s2_grp_q)),
      .rdata_o(res_rdata[p])
    );
    ern_ram #(
      .Width(StrRamW),
      .Depth(StrDepth)
    ) u_ostr (
      .clk_i,
      .we_i   (write_stream_s5 && s5_pix_valid_q[p]),
      .waddr_i(StrAW'(d_ostr_base + s5_grp_q)),
      .wmask_i({((StrRamW+63)/64){1'b1}}),
      .wdata_i(StrRamW'(pp_stream_bank[p])),
      .re_i   (host_re && rd_buf_i == ern_pkg::BufOstr && rd_bank_i == 8'(p)),
      .raddr_i(StrAW'(rd_entry_i)),
      .rdata_o(ostr_rdata[p])
    );
    // 2-bit outputs: the conv writes its PeOut lanes of both planes, the embedding whole words.
    logic                 oact_we;
    logic [OutAW-1:0]     oact_waddr;
    logic [OutRamW/8-1:0] oact_wmask;
    logic [OutRamW-1:0]   oact_wdata;
    logic [Lanes/8-1:0]   oact_lanes;  // bytes of the conv's PeOut lanes in each plane
    assign oact_lanes = (Lanes/8)'({(PeOut/8){1'b1}}) << s5_lane_q[5:3];
    always_comb begin
      if (emb_valid) begin
        oact_we    = BankW'(e2_x_q) % BankW'(PePix) == BankW'(p);
        oact_waddr = OutAW'(d_oact_base + 32'(e2_row_off_q) + (32'(e2_x_q) >> PixLog2));
        oact_wmask = '1;
        oact_wdata = {emb_act1, emb_act0};
      end else begin
        oact_we    = write_act_s5 && s5_pix_valid_q[p];
        oact_waddr = OutAW'(s5_oact_q);
        oact_wmask = {oact_lanes, oact_lanes};
        oact_wdata = {Lanes'(pp_act_bank[p][2*PeOut-1:PeOut]) << s5_lane_q, Lanes'(pp_act_bank[p][PeOut-1:0]) << s5_lane_q};
      end
    end
    ern_ram #(
      .Width (OutRamW),
      .Depth (OutDepth),
      .SliceW(8)
    ) u_oact (
      .clk_i,
      .we_i   (oact_we),
      .waddr_i(oact_waddr),
      .wmask_i(oact_wmask),
      .wdata_i(oact_wdata),
      .re_i   (host_re && rd_buf_i == ern_pkg::BufOact && rd_bank_i == 8'(p)),
      .raddr_i(OutAW'(rd_entry_i)),
      .rdata_o(oact_rdata[p])
    );
  end

  // Image buffer and pixel embedding (its 64-lane words go to the output buffer).
  logic [Lanes-1:0] emb_act0, emb_act1;
  logic             emb_valid;
  logic [ImgW-1:0] img_rdata;
  ern_ram #(
    .Width(ImgW),
    .Depth(ImgDepth)
  ) u_img (
    .clk_i,
    .we_i   (host_we && wr_buf_i == ern_pkg::BufImg),
    .waddr_i(ImgAW'(wr_entry_i)),
    .wmask_i(host_word_mask[0]),
    .wdata_i(host_wdata_wide[ImgW-1:0]),
    .re_i   (emb_issue),
    .raddr_i(ImgAW'(epix_q)),
    .rdata_o(img_rdata)
  );

  // Two embedding units: one pixel per cycle, or a pixel pair (2w - 1, 2w) into the lower and
  // upper half of a word. Pair positions outside the image (pixel -1, pixel W) are zero, as padding.
  localparam int HalfLanes = Lanes / 2;
  `ERN_ELAB_CHECK(g_pair_fits, EmbColours * EmbPerColour <= HalfLanes, "ern_layer_engine: a pixel's channels must fit half a word")
  logic [Lanes-1:0] emb_a0, emb_a1, emb_b0, emb_b1;
  logic             emb_b_valid;
  logic             e2_a_in_q, e2_b_in_q;  // the pair's pixels lie inside the image
  for (genvar u = 0; u < 2; u++) begin : g_embed
    logic [Lanes-1:0] a0, a1;
    logic             valid;
    ern_pixel_embed #(
      .Colours  (EmbColours),
      .PerColour(EmbPerColour),
      .Lanes    (Lanes)
    ) u_embed (
      .clk_i,
      .rst_ni,
      .tbl_we_i    (host_we && wr_buf_i == ern_pkg::BufEmb),
      .tbl_colour_i(wr_bank_i[$clog2(EmbColours)-1:0]),
      .tbl_value_i (wr_entry_i[7:0]),
      .tbl_wdata_i (host_wdata_wide[2*EmbPerColour-1:0]),
      .pix_valid_i (e1_valid_q),
      .pix_i       (img_rdata[32*u +: 8*EmbColours]),
      .valid_o     (valid),
      .act0_o      (a0),
      .act1_o      (a1)
    );
    if (u == 0) begin : g_a
      assign emb_a0    = a0;
      assign emb_a1    = a1;
      assign emb_valid = valid;
    end else begin : g_b
      assign emb_b0      = a0;
      assign emb_b1      = a1;
      assign emb_b_valid = valid;
    end
  end
  assign emb_act0 = d_paired ? ((e2_a_in_q ? emb_a0 : '0) | ((e2_b_in_q ? emb_b0 : '0) << HalfLanes)) : emb_a0;
  assign emb_act1 = d_paired ? ((e2_a_in_q ? emb_a1 : '0) | ((e2_b_in_q ? emb_b1 : '0) << HalfLanes)) : emb_a1;

  // ---------------------------------------------------------------------------------------------
  // PE array, fed at S1 through the bank crossbar; padding and pixels past the edge read zero.
  logic [PePix*Lanes-1:0] pe_act0, pe_act1;
  always_comb begin
    for (int p = 0; p < PePix; p++) begin
      logic [ActW-1:0] word;
      word = s1_slot_valid_q[p] ? act_rdata[s1_slot_bank_q[p*BankW +: BankW]] : '0;
      pe_act0[p*Lanes +: Lanes] = word[Lanes-1:0] & (s1_lower_only_q ? {32'd0, 32'hffffffff} : '1);
      pe_act1[p*Lanes +: Lanes] = word[2*Lanes-1:Lanes] & (s1_lower_only_q ? {32'd0, 32'hffffffff} : '1);
    end
  end

  logic [PeOut*PePix*AccW-1:0] acc;
  ern_pe_array #(
    .PeOut      (PeOut),
    .PePix      (PePix),
    .Lanes      (Lanes),
    .MaxInBlocks(MaxInBlocks),
    .AccW       (AccW)
  ) u_array (
    .clk_i,
    .rst_ni,
    .step_i  (s1_valid_q),
    .first_i (s1_first_q),
    .act0_i  (pe_act0),
    .act1_i  (pe_act1),
    .weight_i(wgt_rdata),
    .acc_o   (acc)
  );

  // ---------------------------------------------------------------------------------------------
  // Post-processing of finished pixel groups (S3 -> S5).
  logic [PeOut*PePix*StreamW-1:0] residual;
  always_comb begin
    for (int o = 0; o < PeOut; o++) begin
      for (int p = 0; p < PePix; p++) begin
        residual[(o*PePix + p)*StreamW +: StreamW] = res_rdata[p][o*StreamW +: StreamW];
      end
    end
  end

  logic [PeOut*PePix*2-1:0]       pp_q;
  logic [PeOut*PePix*StreamW-1:0] pp_stream;
  logic [PeOut*PePix-1:0]         pp_overflow;
  ern_postproc #(
    .PeOut  (PeOut),
    .PePix  (PePix),
    .AccW   (AccW),
    .StreamW(StreamW)
  ) u_postproc (
    .clk_i,
    .rst_ni,
    .valid_i       (s3_valid_q),
    .add_residual_i(d_residual),
    .acc_i         (acc),
    .residual_i    (residual),
    .thr_i         (thr_rdata[PeOut*ThrEntryW-1:0]),
    .valid_o       (pp_valid),
    .q_o           (pp_q),
    .stream_o      (pp_stream),
    .overflow_o    (pp_overflow)
  );

  assign write_act_s5    = pp_valid && d_write_act;
  assign write_stream_s5 = pp_valid && d_write_stream;

  // Regroup lanes (o, p) into per-pixel bank entries: {plane 1 lanes, plane 0 lanes} and streams.
  logic [PeOut-1:0] lane_valid_s5;
  always_comb begin
    for (int p = 0; p < PePix; p++) begin
      for (int o = 0; o < PeOut; o++) begin
        pp_act_bank[p][o]         = pp_q[2*(o*PePix + p)];
        pp_act_bank[p][PeOut + o] = pp_q[2*(o*PePix + p) + 1];
        pp_stream_bank[p][o*StreamW +: StreamW] = pp_stream[(o*PePix + p)*StreamW +: StreamW];
      end
    end
    for (int o = 0; o < PeOut; o++) begin
      lane_valid_s5[o] = (s5_og_q != d_og_count - 16'd1) || (8'(o) < d_last_og_lanes);
    end
  end

  // Stream values that do not fit StreamW, among the lanes written.
  logic [31:0] overflows_q, overflows_d;
  always_comb begin
    logic [31:0] count;
    count = '0;
    for (int o = 0; o < PeOut; o++) begin
      for (int p = 0; p < PePix; p++) begin
        count = count + 32'(pp_overflow[o*PePix + p] && lane_valid_s5[o] && s5_pix_valid_q[p]);
      end
    end
    overflows_d = overflows_q;
    if (state_q == ern_pkg::StInit) overflows_d = '0;
    else if (write_stream_s5)       overflows_d = overflows_q + count;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) overflows_q <= '0;
    else         overflows_q <= overflows_d;
  end

  // Class sums: per output channel, the sum of acc over the valid pixels of all its groups,
  // starting from zero or, for a later row tile of the same channels, from the stored sums (read
  // at S3, when the channel group's first pixel group finishes).
  logic signed [SumW-1:0] partial_q [PeOut], partial_d [PeOut];
  logic signed [SumW-1:0] sum_acc_q [PeOut], sum_acc_d [PeOut];
  logic signed [SumW-1:0] sum_start [PeOut];
  logic [PeOut*SumW-1:0]  sum_wdata;
  logic [SumRamW-1:0]     sum_rdata;
  always_comb begin
    for (int o = 0; o < PeOut; o++) begin
      sum_start[o] = d_sum_accumulate ? $signed(sum_rdata[o*SumW +: SumW]) : '0;
      // S3: the sum over the group's valid pixels; S4: added to the channel's running sum.
      partial_d[o] = '0;
      for (int p = 0; p < PePix; p++) begin
        if (s3_pix_valid_q[p]) partial_d[o] = partial_d[o] + SumW'($signed(acc[(o*PePix + p)*AccW +: AccW]));
      end
      sum_acc_d[o] = (s4_og_first_q ? sum_start[o] : sum_acc_q[o]) + partial_q[o];
      sum_wdata[o*SumW +: SumW] = sum_acc_d[o];
    end
  end
  always_ff @(posedge clk_i) begin
    for (int o = 0; o < PeOut; o++) begin  // per element: Icarus and Yosys copy no whole arrays
      if (s3_valid_q) partial_q[o] <= partial_d[o];
      if (s4_valid_q) sum_acc_q[o] <= sum_acc_d[o];
    end
  end

  ern_ram #(
    .Width(SumRamW),
    .Depth(SumDepth)
  ) u_sum (
    .clk_i,
    .we_i   (s4_valid_q && s4_og_last_q && d_write_sum),
    .waddr_i(SumAW'(d_sum_base + 32'(s4_og_q))),
    .wmask_i({((SumRamW+63)/64){1'b1}}),
    .wdata_i(SumRamW'(sum_wdata)),
    .re_i   (engine_sum_read || (host_re && rd_buf_i == ern_pkg::BufSum)),
    .raddr_i(engine_sum_read ? SumAW'(d_sum_base + 32'(s3_og_q)) : SumAW'(rd_entry_i)),
    .rdata_o(sum_rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Host reads: the RAM answers one cycle later; the word is selected from the registered request.
  logic [3:0]  rd_buf_q;
  logic [7:0]  rd_bank_q;
  logic [5:0]  rd_word_q;
  logic [23:0] rd_entry_q;
  logic        rd_wide_q;
  always_ff @(posedge clk_i) begin
    if (host_re) begin
      rd_buf_q   <= rd_buf_i;
      rd_bank_q  <= rd_bank_i;
      rd_word_q  <= rd_word_i;
      rd_wide_q  <= rd_wide_i;
      rd_entry_q <= rd_entry_i;
    end
  end

  // Capabilities, so that the driver can check it talks to the configuration it expects.
  logic [31:0] info_word;
  always_comb begin
    case (rd_entry_q[4:0])
      ern_pkg::CapMagic:         info_word = ern_pkg::CapMagicWord;
      ern_pkg::CapPeOut:         info_word = 32'(PeOut);
      ern_pkg::CapPePix:         info_word = 32'(PePix);
      ern_pkg::CapStreamW:       info_word = 32'(StreamW);
      ern_pkg::CapAccW:          info_word = 32'(AccW);
      ern_pkg::CapThrW:          info_word = 32'(ThrW);
      ern_pkg::CapMaxInBlocks:   info_word = 32'(MaxInBlocks);
      ern_pkg::CapActDepth:      info_word = 32'(ActDepth);
      ern_pkg::CapWgtDepth:      info_word = 32'(WgtDepth);
      ern_pkg::CapThrDepth:      info_word = 32'(ThrDepth);
      ern_pkg::CapStrDepth:      info_word = 32'(StrDepth);
      ern_pkg::CapOutDepth:      info_word = 32'(OutDepth);
      ern_pkg::CapSumDepth:      info_word = 32'(SumDepth);
      ern_pkg::CapImgDepth:      info_word = 32'(ImgDepth);
      ern_pkg::CapEmbColours:    info_word = 32'(EmbColours);
      ern_pkg::CapEmbPerColour:  info_word = 32'(EmbPerColour);
      ern_pkg::CapDescWords:     info_word = 32'(DescWords);
      default: info_word = '0;
    endcase
  end

  logic [4095:0] rd_entry_data;  // the addressed entry, zero-extended
  always_comb begin
    case (rd_buf_q)
      ern_pkg::BufOstr: rd_entry_data = 4096'(ostr_rdata[rd_bank_q[PixIdxW-1:0]]);
      ern_pkg::BufOact: rd_entry_data = 4096'(oact_rdata[rd_bank_q[PixIdxW-1:0]]);
      ern_pkg::BufSum:  rd_entry_data = 4096'(sum_rdata);
      ern_pkg::BufInfo: rd_entry_data = 4096'(info_word);
      default: rd_entry_data = '0;
    endcase
  end
  assign rd_data_o = rd_wide_q ? rd_entry_data[rd_word_q*HostW +: HostW] : HostW'(rd_entry_data[rd_word_q*64 +: 64]);

  // Bits that are unused by design: padding of wide entries, address bits above the depths, and
  // the widest host write data and masks, which only the largest configurations use.
  logic unused_bits;
  assign unused_bits = ^{e2_row_off_q[33:32], host_word_mask, host_wdata_wide, thr_rdata, rd_bank_q, rd_entry_q, s5_oact_q,
                         img_rdata[63:32+8*EmbColours], img_rdata[31:8*EmbColours], emb_b_valid};

  // ---------------------------------------------------------------------------------------------
  assign busy_o       = busy;
  assign done_o       = (state_q == ern_pkg::StDone);
  assign state_o      = state_q;
  assign steps_o      = steps_q;
  assign overflows_o  = overflows_q;
  assign tile_error_o = tile_error_q;
endmodule
