// The controller: runs a program of job descriptors from memory as a three-stage pipeline,
//   load (fetch the descriptor, the loads that depend on no earlier job, then the others)
//     ->  compute (the engine)  ->  store,
// so that the loads of job j+1 and the stores of job j-1 overlap the compute of job j. Jobs keep
// their buffers apart by alternating halves (the program's choice); the hazards left are handled
// here:
//   - compute takes job j only after it handed job j-1 to the store stage, which therefore has
//     finished job j-2, whose output half job j reuses;
//   - the load stage fetches job j+1 only after compute took job j, which therefore finished job
//     j-1, whose input halves job j+1 reuses;
//   - a job loads its image, activations and residual only after `wait_stored` jobs have stored
//     their outputs (those it reads); its weights and thresholds go first, without waiting.
// Registers (32-bit words): see docs/accelerator.md. Performance counters per layer: cycles, the
// engine's compute cycles, cycles the engine waited for loads and for stores, bytes read and
// written; they assume the jobs of a layer are consecutive in the program.
`include "ern_assert.svh"
`include "ern_job_desc.svh"

module ern_controller #(
  parameter int DescWords = `ERN_JOB_DESC_WORDS,
  parameter int MemBytes  = 64,
  parameter int MaxLayers = 256,
  localparam int EngWords = `ERN_JOB_ENGINE_WORDS,
  localparam int LayerW   = $clog2(MaxLayers)
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  // Register interface: reads return data the cycle after reg_re_i.
  input  logic                       reg_we_i,
  input  logic                       reg_re_i,
  input  logic [7:0]                 reg_addr_i,
  input  logic [31:0]                reg_wdata_i,
  output logic [31:0]                reg_rdata_o,
  output logic                       running_o,
  output logic                       done_o,      // the last program finished (until the next start)
  output logic [15:0]                layer_o,     // layer of the compute stage's job
  // Read DMA.
  output logic                       rd_cmd_o,
  output logic                       rd_fetch_o,
  output logic                       rd_data_o,    // the loads' second phase
  output logic [31:0]                rd_addr_o,
  output logic [DescWords*32-1:0] rd_desc_o,
  input  logic                       rd_busy_i,
  input  logic                       rd_done_i,
  input  logic [DescWords*32-1:0] rd_fetched_i,
  input  logic [31:0]                rd_beats_i,
  input  logic                       rd_misaligned_i,
  // Write DMA.
  output logic                       wr_cmd_o,
  output logic [DescWords*32-1:0] wr_desc_o,
  input  logic                       wr_busy_i,
  input  logic                       wr_done_i,
  input  logic [31:0]                wr_beats_i,
  input  logic                       wr_misaligned_i,
  // Engine.
  output logic                       eng_stage_we_o,
  output logic [EngWords*32-1:0]     eng_stage_desc_o,
  output logic                       eng_start_o,
  input  logic                       eng_busy_i,
  input  logic                       eng_done_i,
  input  logic [31:0]                eng_overflows_i,
  input  logic                       eng_tile_error_i
);
  localparam int DescBytes = ((DescWords * ern_pkg::DescWordBytes + MemBytes - 1) / MemBytes) * MemBytes;
  localparam int MbLog2    = $clog2(MemBytes);

  // A layer id has LayerW bits and indexes the counter RAMs; a descriptor fetch is whole beats.
  `ERN_ELAB_CHECK(g_bad_max_layers, MaxLayers >= 2 && (MaxLayers & (MaxLayers - 1)) == 0 && MaxLayers <= 65536,
                  "ern_controller: MaxLayers must be a power of two, 2..65536")
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 1 && (MemBytes & (MemBytes - 1)) == 0, "ern_controller: MemBytes must be a power of two")
  `ERN_ELAB_CHECK(g_bad_desc_words, DescWords >= EngWords, "ern_controller: the engine's words lead the descriptor")

  // Register addresses (ern_pkg::Reg*), load and compute stage states (ern_pkg::L*, ern_pkg::C*):
  // rtl/ern_hw_spec.json. Each stage's next state is formed in an always_comb (_d) and registered
  // (_q): the registers with a reset in one always_ff, those without (descriptors, counters) in
  // another.

  logic        running_q, running_d, done_q, done_d;
  logic [31:0] prog_addr_q, prog_addr_d, job_count_q, job_count_d, cycles_q, cycles_d;
  logic [31:0] overflows_q, overflows_d, overflow_layer_q, overflow_layer_d;
  logic        tile_error_q, tile_error_d, rd_misaligned_q, rd_misaligned_d, wr_misaligned_q, wr_misaligned_d;
  logic        overflow_seen_q, overflow_seen_d;
  logic [LayerW-1:0] layer_sel_q, layer_sel_d;
  logic        start;
  assign start = reg_we_i && reg_addr_i == ern_pkg::RegCtrl && reg_wdata_i[0] && !running_q;

  // ---------------------------------------------------------------------------------------------
  // Load stage.
  logic [2:0]  l_state_q, l_state_d;
  logic [31:0] l_job_q, l_job_d, l_addr_q, l_addr_d, stored_q, stored_d, computed_q, computed_d;
  logic [DescWords*32-1:0] d_l_q, d_l_d, d_c_q, d_c_d, d_s_q, d_s_d;
  logic        l_issue_q, l_issue_d;  // the DMA command of the current state has been issued
  logic        take;                  // compute takes the loaded job

  always_comb begin
    l_state_d = l_state_q;
    l_job_d   = l_job_q;
    l_addr_d  = l_addr_q;
    l_issue_d = l_issue_q;
    d_l_d     = d_l_q;
    if (start) begin
      l_state_d = ern_pkg::LIdle;
      l_job_d   = '0;
      l_addr_d  = prog_addr_q;
      l_issue_d = 1'b0;
    end else if (running_q) begin
      case (l_state_q)
        ern_pkg::LIdle: begin
          if (l_job_q < job_count_q && !rd_busy_i) begin
            l_state_d = ern_pkg::LFetch;
            l_issue_d = 1'b0;
          end
        end
        ern_pkg::LFetch: begin
          if (!l_issue_q) begin
            l_issue_d = 1'b1;
          end else if (rd_done_i) begin
            d_l_d     = rd_fetched_i;
            l_issue_d = 1'b0;
            l_state_d = ern_pkg::LLoadFirst;
          end
        end
        ern_pkg::LLoadFirst: begin
          if (!l_issue_q) begin
            l_issue_d = 1'b1;
          end else if (rd_done_i) begin
            l_issue_d = 1'b0;
            l_state_d = ern_pkg::LBarrier;
          end
        end
        ern_pkg::LBarrier: if (stored_q >= `ERN_JOB_WAIT_STORED_FLAT(d_l_q)) l_state_d = ern_pkg::LLoad;
        ern_pkg::LLoad: begin
          if (!l_issue_q) begin
            l_issue_d = 1'b1;
          end else if (rd_done_i) begin
            l_issue_d = 1'b0;
            l_state_d = ern_pkg::LHold;
          end
        end
        ern_pkg::LHold: begin
          if (take) begin
            l_state_d = ern_pkg::LIdle;
            l_job_d   = l_job_q + 32'd1;
            l_addr_d  = l_addr_q + 32'(DescBytes);
          end
        end
        default: l_state_d = ern_pkg::LIdle;
      endcase
    end
  end
  // A DMA command is a pulse in the state's first cycle.
  assign rd_cmd_o   = running_q && !l_issue_q && (l_state_q == ern_pkg::LFetch || l_state_q == ern_pkg::LLoadFirst ||
                                                  l_state_q == ern_pkg::LLoad);
  assign rd_fetch_o = l_state_q == ern_pkg::LFetch;
  assign rd_data_o  = l_state_q == ern_pkg::LLoad;
  assign rd_addr_o  = l_addr_q;
  assign rd_desc_o  = d_l_q;

  // ---------------------------------------------------------------------------------------------
  // Compute stage.
  logic [1:0] c_state_q, c_state_d;
  logic       handoff;  // the store stage takes the computed job
  logic       s_busy_q, s_busy_d;
  assign take    = running_q && l_state_q == ern_pkg::LHold && c_state_q == ern_pkg::CWait;
  assign handoff = c_state_q == ern_pkg::CHandoff && !s_busy_q;

  always_comb begin
    c_state_d  = c_state_q;
    computed_d = computed_q;
    d_c_d      = d_c_q;
    if (start) begin
      c_state_d  = ern_pkg::CWait;
      computed_d = '0;
    end else begin
      case (c_state_q)
        ern_pkg::CWait: begin
          if (take) begin
            c_state_d = ern_pkg::CStart;
            d_c_d     = d_l_q;
          end
        end
        ern_pkg::CStart:   c_state_d = ern_pkg::CRun;
        ern_pkg::CRun:     if (eng_done_i) c_state_d = ern_pkg::CHandoff;
        ern_pkg::CHandoff: begin
          if (handoff) begin
            c_state_d  = ern_pkg::CWait;
            computed_d = computed_q + 32'd1;
          end
        end
        default: c_state_d = ern_pkg::CWait;
      endcase
    end
  end
  // The descriptor goes to the engine's staging copy as the job is taken; start follows.
  assign eng_stage_we_o   = take;
  assign eng_stage_desc_o = d_l_q[EngWords*32-1:0];
  assign eng_start_o      = c_state_q == ern_pkg::CStart;

  // ---------------------------------------------------------------------------------------------
  // Store stage.
  logic s_issue_q, s_issue_d;
  always_comb begin
    s_busy_d  = s_busy_q;
    s_issue_d = s_issue_q;
    stored_d  = stored_q;
    d_s_d     = d_s_q;
    if (start) begin
      s_busy_d  = 1'b0;
      s_issue_d = 1'b0;
      stored_d  = '0;
    end else if (handoff) begin
      s_busy_d  = 1'b1;
      s_issue_d = 1'b0;
      d_s_d     = d_c_q;
    end else if (s_busy_q && !s_issue_q) begin
      s_issue_d = 1'b1;
    end else if (s_busy_q && wr_done_i) begin
      s_busy_d = 1'b0;
      stored_d = stored_q + 32'd1;
    end
  end
  assign wr_cmd_o  = s_busy_q && !s_issue_q && !wr_busy_i;
  assign wr_desc_o = d_s_q;

  // ---------------------------------------------------------------------------------------------
  // Run state, errors and global counters.
  logic finished;
  assign finished = running_q && stored_q == job_count_q;
  always_comb begin
    running_d        = running_q;
    done_d           = done_q;
    prog_addr_d      = prog_addr_q;
    job_count_d      = job_count_q;
    cycles_d         = cycles_q;
    overflows_d      = overflows_q;
    overflow_layer_d = overflow_layer_q;
    overflow_seen_d  = overflow_seen_q;
    tile_error_d     = tile_error_q;
    rd_misaligned_d  = rd_misaligned_q;
    wr_misaligned_d  = wr_misaligned_q;
    layer_sel_d      = layer_sel_q;
    if (reg_we_i && !running_q) begin
      if (reg_addr_i == ern_pkg::RegProgAddr) prog_addr_d = reg_wdata_i;
      if (reg_addr_i == ern_pkg::RegJobCount) job_count_d = reg_wdata_i;
    end
    if (reg_we_i && reg_addr_i == ern_pkg::RegLayerSel) layer_sel_d = LayerW'(reg_wdata_i);
    if (start) begin
      running_d       = 1'b1;
      done_d          = 1'b0;
      cycles_d        = '0;
      overflows_d     = '0;
      overflow_seen_d = 1'b0;
      tile_error_d    = 1'b0;
      rd_misaligned_d = 1'b0;
      wr_misaligned_d = 1'b0;
    end else if (running_q) begin
      cycles_d = cycles_q + 32'd1;
      if (finished) begin
        running_d = 1'b0;
        done_d    = 1'b1;
      end
      if (c_state_q == ern_pkg::CRun && eng_done_i) begin
        overflows_d  = overflows_q + eng_overflows_i;
        tile_error_d = tile_error_q || eng_tile_error_i;
        if (eng_overflows_i != 0 && !overflow_seen_q) begin
          overflow_seen_d  = 1'b1;
          overflow_layer_d = 32'(`ERN_JOB_LAYER_FLAT(d_c_q));
        end
      end
      if (rd_misaligned_i) rd_misaligned_d = 1'b1;
      if (wr_misaligned_i) wr_misaligned_d = 1'b1;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Per-layer counters. Each stage accumulates for the layer of its current job and writes the
  // totals when its layer changes and when the run ends.
  logic [LayerW-1:0] c_layer_q, c_layer_d, l_layer_q, l_layer_d, s_layer_q, s_layer_d;
  logic [31:0] c_cycles_q, c_cycles_d, c_compute_q, c_compute_d, c_load_stall_q, c_load_stall_d;
  logic [31:0] c_store_stall_q, c_store_stall_d, l_bytes_q, l_bytes_d, s_bytes_q, s_bytes_d;
  logic c_flush, l_flush, s_flush;
  logic [LayerW-1:0] next_c_layer;
  assign next_c_layer = LayerW'(`ERN_JOB_LAYER_FLAT(d_l_q));
  assign c_flush = (take && next_c_layer != c_layer_q) || finished;
  assign l_flush = (l_state_q == ern_pkg::LFetch && rd_done_i && LayerW'(`ERN_JOB_LAYER_FLAT(rd_fetched_i)) != l_layer_q) ||
                   finished;
  assign s_flush = (handoff && LayerW'(`ERN_JOB_LAYER_FLAT(d_c_q)) != s_layer_q) || finished;

  always_comb begin
    c_layer_d       = c_layer_q;
    l_layer_d       = l_layer_q;
    s_layer_d       = s_layer_q;
    c_cycles_d      = c_cycles_q;
    c_compute_d     = c_compute_q;
    c_load_stall_d  = c_load_stall_q;
    c_store_stall_d = c_store_stall_q;
    l_bytes_d       = l_bytes_q;
    s_bytes_d       = s_bytes_q;
    if (start) begin
      c_layer_d       = '0;
      l_layer_d       = '0;
      s_layer_d       = '0;
      c_cycles_d      = '0;
      c_compute_d     = '0;
      c_load_stall_d  = '0;
      c_store_stall_d = '0;
      l_bytes_d       = '0;
      s_bytes_d       = '0;
    end else if (running_q) begin
      // Compute stage: what the engine does in this cycle, for its current job's layer.
      if (c_flush) begin
        c_layer_d       = next_c_layer;
        c_cycles_d      = 32'd1;
        c_compute_d     = '0;
        c_load_stall_d  = 32'(c_state_q == ern_pkg::CWait && !take);
        c_store_stall_d = '0;
      end else begin
        c_cycles_d      = c_cycles_q + 32'd1;
        c_compute_d     = c_compute_q + 32'(eng_busy_i);
        c_load_stall_d  = c_load_stall_q + 32'(c_state_q == ern_pkg::CWait && computed_q != job_count_q);
        c_store_stall_d = c_store_stall_q + 32'(c_state_q == ern_pkg::CHandoff ||
                                                 (c_state_q == ern_pkg::CWait && computed_q == job_count_q));
      end
      // Bytes: the fetch and loads of a job, and its stores, go to its layer.
      if (l_flush) begin
        l_layer_d = LayerW'(`ERN_JOB_LAYER_FLAT(rd_fetched_i));
        l_bytes_d = rd_beats_i << MbLog2;
      end else if (rd_done_i) begin
        l_bytes_d = l_bytes_q + (rd_beats_i << MbLog2);
      end
      if (s_flush) begin
        s_layer_d = LayerW'(`ERN_JOB_LAYER_FLAT(d_c_q));
        s_bytes_d = '0;
      end else if (s_busy_q && wr_done_i) begin
        s_bytes_d = s_bytes_q + (wr_beats_i << MbLog2);
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // The registers: with a reset (stage states, progress, run state) and without (descriptors,
  // the program's first descriptor address, the counters a start clears).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      l_state_q        <= ern_pkg::LIdle;
      l_job_q          <= '0;
      l_issue_q        <= 1'b0;
      c_state_q        <= ern_pkg::CWait;
      computed_q       <= '0;
      s_busy_q         <= 1'b0;
      s_issue_q        <= 1'b0;
      stored_q         <= '0;
      running_q        <= 1'b0;
      done_q           <= 1'b0;
      prog_addr_q      <= '0;
      job_count_q      <= '0;
      cycles_q         <= '0;
      overflows_q      <= '0;
      overflow_layer_q <= '0;
      overflow_seen_q  <= 1'b0;
      tile_error_q     <= 1'b0;
      rd_misaligned_q  <= 1'b0;
      wr_misaligned_q  <= 1'b0;
      layer_sel_q      <= '0;
      c_layer_q        <= '0;
      l_layer_q        <= '0;
      s_layer_q        <= '0;
    end else begin
      l_state_q        <= l_state_d;
      l_job_q          <= l_job_d;
      l_issue_q        <= l_issue_d;
      c_state_q        <= c_state_d;
      computed_q       <= computed_d;
      s_busy_q         <= s_busy_d;
      s_issue_q        <= s_issue_d;
      stored_q         <= stored_d;
      running_q        <= running_d;
      done_q           <= done_d;
      prog_addr_q      <= prog_addr_d;
      job_count_q      <= job_count_d;
      cycles_q         <= cycles_d;
      overflows_q      <= overflows_d;
      overflow_layer_q <= overflow_layer_d;
      overflow_seen_q  <= overflow_seen_d;
      tile_error_q     <= tile_error_d;
      rd_misaligned_q  <= rd_misaligned_d;
      wr_misaligned_q  <= wr_misaligned_d;
      layer_sel_q      <= layer_sel_d;
      c_layer_q        <= c_layer_d;
      l_layer_q        <= l_layer_d;
      s_layer_q        <= s_layer_d;
    end
  end

  always_ff @(posedge clk_i) begin
    l_addr_q        <= l_addr_d;
    d_l_q           <= d_l_d;
    d_c_q           <= d_c_d;
    d_s_q           <= d_s_d;
    c_cycles_q      <= c_cycles_d;
    c_compute_q     <= c_compute_d;
    c_load_stall_q  <= c_load_stall_d;
    c_store_stall_q <= c_store_stall_d;
    l_bytes_q       <= l_bytes_d;
    s_bytes_q       <= s_bytes_d;
  end

  logic [127:0] c_cnt_rdata;
  logic [31:0]  l_cnt_rdata, s_cnt_rdata;
  ern_ram #(.Width(128), .Depth(MaxLayers)) u_c_counters (
    .clk_i, .we_i(running_q && c_flush), .waddr_i(c_layer_q), .wmask_i(2'b11),
    .wdata_i({c_store_stall_q, c_load_stall_q, c_compute_q, c_cycles_q}),
    .re_i(1'b1), .raddr_i(layer_sel_q), .rdata_o(c_cnt_rdata)
  );
  ern_ram #(.Width(32), .Depth(MaxLayers)) u_l_counters (
    .clk_i, .we_i(running_q && l_flush), .waddr_i(l_layer_q), .wmask_i(1'b1),
    .wdata_i(l_bytes_q), .re_i(1'b1), .raddr_i(layer_sel_q), .rdata_o(l_cnt_rdata)
  );
  ern_ram #(.Width(32), .Depth(MaxLayers)) u_s_counters (
    .clk_i, .we_i(running_q && s_flush), .waddr_i(s_layer_q), .wmask_i(1'b1),
    .wdata_i(s_bytes_q),
    .re_i(1'b1), .raddr_i(layer_sel_q), .rdata_o(s_cnt_rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Register reads.
  logic [31:0] rdata_q, rdata_d;
  always_comb begin
    case (reg_addr_i)
      ern_pkg::RegId:               rdata_d = ern_pkg::RegIdWord;
      ern_pkg::RegStatus:           rdata_d = {29'd0, overflows_q != 0 || tile_error_q || rd_misaligned_q || wr_misaligned_q,
                                              done_q, running_q};
      ern_pkg::RegProgAddr:         rdata_d = prog_addr_q;
      ern_pkg::RegJobCount:         rdata_d = job_count_q;
      ern_pkg::RegOverflows:        rdata_d = overflows_q;
      ern_pkg::RegErrFlags:         rdata_d = {29'd0, wr_misaligned_q, rd_misaligned_q, tile_error_q};
      ern_pkg::RegCycles:           rdata_d = cycles_q;
      ern_pkg::RegJobsStored:       rdata_d = stored_q;
      ern_pkg::RegLayerSel:         rdata_d = 32'(layer_sel_q);
      ern_pkg::RegCntCycles:        rdata_d = c_cnt_rdata[31:0];
      ern_pkg::RegCntCompute:       rdata_d = c_cnt_rdata[63:32];
      ern_pkg::RegCntLoadStall:     rdata_d = c_cnt_rdata[95:64];
      ern_pkg::RegCntStoreStall:    rdata_d = c_cnt_rdata[127:96];
      ern_pkg::RegCntBytesRead:     rdata_d = l_cnt_rdata;
      ern_pkg::RegCntBytesWritten:  rdata_d = s_cnt_rdata;
      ern_pkg::RegOverflowLayer:    rdata_d = overflow_layer_q;
      ern_pkg::RegDebug:            rdata_d = {24'd0, s_busy_q, c_state_q, l_state_q, running_q, 1'b0};
      ern_pkg::RegJobsLoaded:       rdata_d = l_job_q;
      ern_pkg::RegJobsComputed:     rdata_d = computed_q;
      default:                      rdata_d = '0;
    endcase
  end
  always_ff @(posedge clk_i) begin
    if (reg_re_i) rdata_q <= rdata_d;
  end
  assign reg_rdata_o = rdata_q;
  assign running_o   = running_q;
  assign done_o      = done_q;
  assign layer_o     = 16'(c_layer_q);

  logic unused_bits;
  assign unused_bits = ^{d_s_q, reg_wdata_i[31:1]};
endmodule
