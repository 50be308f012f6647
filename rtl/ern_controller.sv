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
  localparam int DescBytes = ((DescWords * 4 + MemBytes - 1) / MemBytes) * MemBytes;
  localparam int MbLog2    = $clog2(MemBytes);

  // Register map (word addresses).
  localparam logic [7:0] RegId           = 8'd0;
  localparam logic [7:0] RegCtrl         = 8'd1;
  localparam logic [7:0] RegStatus       = 8'd2;
  localparam logic [7:0] RegProgAddr     = 8'd3;
  localparam logic [7:0] RegJobCount     = 8'd4;
  localparam logic [7:0] RegOverflows    = 8'd5;
  localparam logic [7:0] RegErrFlags     = 8'd6;
  localparam logic [7:0] RegCycles       = 8'd7;
  localparam logic [7:0] RegJobsStored   = 8'd8;
  localparam logic [7:0] RegLayerSel     = 8'd9;
  localparam logic [7:0] RegCntCycles    = 8'd10;
  localparam logic [7:0] RegCntCompute   = 8'd11;
  localparam logic [7:0] RegCntLoadStall = 8'd12;
  localparam logic [7:0] RegCntStoreStall= 8'd13;
  localparam logic [7:0] RegCntBytesRd   = 8'd14;
  localparam logic [7:0] RegCntBytesWr   = 8'd15;
  localparam logic [7:0] RegOverflowLayer= 8'd16;
  localparam logic [7:0] RegDebug        = 8'd17;
  localparam logic [7:0] RegJobsLoaded   = 8'd18;
  localparam logic [7:0] RegJobsComputed = 8'd19;

  logic        running_q, done_q;
  logic [31:0] prog_addr_q, job_count_q, cycles_q, overflows_q, overflow_layer_q;
  logic        tile_error_q, rd_misaligned_q, wr_misaligned_q, overflow_seen_q;
  logic [LayerW-1:0] layer_sel_q;
  logic        start;
  assign start = reg_we_i && reg_addr_i == RegCtrl && reg_wdata_i[0] && !running_q;

  // ---------------------------------------------------------------------------------------------
  // Load stage.
  typedef enum logic [2:0] {
    LIdle = 3'd0, LFetch = 3'd1, LBarrier = 3'd2, LLoad = 3'd3, LHold = 3'd4, LLoadFirst = 3'd5
  } l_state_e;
  l_state_e l_state_q;
  logic [31:0] l_job_q, l_addr_q, stored_q, computed_q;
  logic [DescWords*32-1:0] d_l_q, d_c_q, d_s_q;
  logic l_issue_q;  // the DMA command of the current state has been issued
  logic take;       // compute takes the loaded job

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      l_state_q <= LIdle;
      l_job_q   <= '0;
      l_issue_q <= 1'b0;
    end else if (start) begin
      l_state_q <= LIdle;
      l_job_q   <= '0;
      l_addr_q  <= prog_addr_q;
      l_issue_q <= 1'b0;
    end else if (running_q) begin
      case (l_state_q)
        LIdle: begin
          if (l_job_q < job_count_q && !rd_busy_i) begin
            l_state_q <= LFetch;
            l_issue_q <= 1'b0;
          end
        end
        LFetch: begin
          if (!l_issue_q) begin
            l_issue_q <= 1'b1;
          end else if (rd_done_i) begin
            d_l_q     <= rd_fetched_i;
            l_issue_q <= 1'b0;
            l_state_q <= LLoadFirst;
          end
        end
        LLoadFirst: begin
          if (!l_issue_q) begin
            l_issue_q <= 1'b1;
          end else if (rd_done_i) begin
            l_issue_q <= 1'b0;
            l_state_q <= LBarrier;
          end
        end
        LBarrier: if (stored_q >= `ERN_JOB_WAIT_STORED_FLAT(d_l_q)) l_state_q <= LLoad;
        LLoad: begin
          if (!l_issue_q) begin
            l_issue_q <= 1'b1;
          end else if (rd_done_i) begin
            l_issue_q <= 1'b0;
            l_state_q <= LHold;
          end
        end
        LHold: begin
          if (take) begin
            l_state_q <= LIdle;
            l_job_q   <= l_job_q + 32'd1;
            l_addr_q  <= l_addr_q + 32'(DescBytes);
          end
        end
        default: l_state_q <= LIdle;
      endcase
    end
  end
  // A DMA command is a pulse in the state's first cycle.
  assign rd_cmd_o   = running_q && !l_issue_q && (l_state_q == LFetch || l_state_q == LLoadFirst || l_state_q == LLoad);
  assign rd_fetch_o = l_state_q == LFetch;
  assign rd_data_o  = l_state_q == LLoad;
  assign rd_addr_o  = l_addr_q;
  assign rd_desc_o  = d_l_q;

  // ---------------------------------------------------------------------------------------------
  // Compute stage.
  typedef enum logic [1:0] {CWait = 2'd0, CStart = 2'd1, CRun = 2'd2, CHandoff = 2'd3} c_state_e;
  c_state_e c_state_q;
  logic handoff;  // the store stage takes the computed job
  logic s_busy_q;
  assign take    = running_q && l_state_q == LHold && c_state_q == CWait;
  assign handoff = c_state_q == CHandoff && !s_busy_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_state_q  <= CWait;
      computed_q <= '0;
    end else if (start) begin
      c_state_q  <= CWait;
      computed_q <= '0;
    end else begin
      case (c_state_q)
        CWait:    if (take) begin
          c_state_q <= CStart;
          d_c_q     <= d_l_q;
        end
        CStart:   c_state_q <= CRun;
        CRun:     if (eng_done_i) c_state_q <= CHandoff;
        CHandoff: if (handoff) begin
          c_state_q  <= CWait;
          computed_q <= computed_q + 32'd1;
        end
        default:  c_state_q <= CWait;
      endcase
    end
  end
  // The descriptor goes to the engine's staging copy as the job is taken; start follows.
  assign eng_stage_we_o   = take;
  assign eng_stage_desc_o = d_l_q[EngWords*32-1:0];
  assign eng_start_o      = c_state_q == CStart;

  // ---------------------------------------------------------------------------------------------
  // Store stage.
  logic s_issue_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s_busy_q  <= 1'b0;
      s_issue_q <= 1'b0;
      stored_q  <= '0;
    end else if (start) begin
      s_busy_q  <= 1'b0;
      s_issue_q <= 1'b0;
      stored_q  <= '0;
    end else begin
      if (handoff) begin
        s_busy_q  <= 1'b1;
        s_issue_q <= 1'b0;
        d_s_q     <= d_c_q;
      end else if (s_busy_q && !s_issue_q) begin
        s_issue_q <= 1'b1;
      end else if (s_busy_q && wr_done_i) begin
        s_busy_q <= 1'b0;
        stored_q <= stored_q + 32'd1;
      end
    end
  end
  assign wr_cmd_o  = s_busy_q && !s_issue_q && !wr_busy_i;
  assign wr_desc_o = d_s_q;

  // ---------------------------------------------------------------------------------------------
  // Run state, errors and global counters.
  logic finished;
  assign finished = running_q && stored_q == job_count_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
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
    end else begin
      if (reg_we_i && !running_q) begin
        if (reg_addr_i == RegProgAddr) prog_addr_q <= reg_wdata_i;
        if (reg_addr_i == RegJobCount) job_count_q <= reg_wdata_i;
      end
      if (reg_we_i && reg_addr_i == RegLayerSel) layer_sel_q <= LayerW'(reg_wdata_i);
      if (start) begin
        running_q        <= 1'b1;
        done_q           <= 1'b0;
        cycles_q         <= '0;
        overflows_q      <= '0;
        overflow_seen_q  <= 1'b0;
        tile_error_q     <= 1'b0;
        rd_misaligned_q  <= 1'b0;
        wr_misaligned_q  <= 1'b0;
      end else if (running_q) begin
        cycles_q <= cycles_q + 32'd1;
        if (finished) begin
          running_q <= 1'b0;
          done_q    <= 1'b1;
        end
        if (c_state_q == CRun && eng_done_i) begin
          overflows_q  <= overflows_q + eng_overflows_i;
          tile_error_q <= tile_error_q || eng_tile_error_i;
          if (eng_overflows_i != 0 && !overflow_seen_q) begin
            overflow_seen_q  <= 1'b1;
            overflow_layer_q <= 32'(`ERN_JOB_LAYER_FLAT(d_c_q));
          end
        end
        if (rd_misaligned_i) rd_misaligned_q <= 1'b1;
        if (wr_misaligned_i) wr_misaligned_q <= 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Per-layer counters. Each stage accumulates for the layer of its current job and writes the
  // totals when its layer changes and when the run ends.
  logic [LayerW-1:0] c_layer_q, l_layer_q, s_layer_q;
  logic [31:0] c_cycles_q, c_compute_q, c_load_stall_q, c_store_stall_q, l_bytes_q, s_bytes_q;
  logic c_flush, l_flush, s_flush;
  logic [LayerW-1:0] next_c_layer;
  assign next_c_layer = LayerW'(`ERN_JOB_LAYER_FLAT(d_l_q));
  assign c_flush = (take && next_c_layer != c_layer_q) || finished;
  assign l_flush = (l_state_q == LFetch && rd_done_i && LayerW'(`ERN_JOB_LAYER_FLAT(rd_fetched_i)) != l_layer_q) || finished;
  assign s_flush = (handoff && LayerW'(`ERN_JOB_LAYER_FLAT(d_c_q)) != s_layer_q) || finished;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_layer_q <= '0;
      l_layer_q <= '0;
      s_layer_q <= '0;
    end else if (start) begin
      c_layer_q       <= '0;
      l_layer_q       <= '0;
      s_layer_q       <= '0;
      c_cycles_q      <= '0;
      c_compute_q     <= '0;
      c_load_stall_q  <= '0;
      c_store_stall_q <= '0;
      l_bytes_q       <= '0;
      s_bytes_q       <= '0;
    end else if (running_q) begin
      // Compute stage: what the engine does in this cycle, for its current job's layer.
      if (c_flush) begin
        c_layer_q       <= next_c_layer;
        c_cycles_q      <= 32'd1;
        c_compute_q     <= '0;
        c_load_stall_q  <= 32'(c_state_q == CWait && !take);
        c_store_stall_q <= '0;
      end else begin
        c_cycles_q      <= c_cycles_q + 32'd1;
        c_compute_q     <= c_compute_q + 32'(eng_busy_i);
        c_load_stall_q  <= c_load_stall_q + 32'(c_state_q == CWait && computed_q != job_count_q);
        c_store_stall_q <= c_store_stall_q + 32'(c_state_q == CHandoff ||
                                                  (c_state_q == CWait && computed_q == job_count_q));
      end
      // Bytes: the fetch and loads of a job, and its stores, go to its layer.
      if (l_flush) begin
        l_layer_q <= LayerW'(`ERN_JOB_LAYER_FLAT(rd_fetched_i));
        l_bytes_q <= rd_beats_i << MbLog2;
      end else if (rd_done_i) begin
        l_bytes_q <= l_bytes_q + (rd_beats_i << MbLog2);
      end
      if (s_flush) begin
        s_layer_q <= LayerW'(`ERN_JOB_LAYER_FLAT(d_c_q));
        s_bytes_q <= '0;
      end else if (s_busy_q && wr_done_i) begin
        s_bytes_q <= s_bytes_q + (wr_beats_i << MbLog2);
      end
    end
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
  logic [31:0] rdata_q;
  always_ff @(posedge clk_i) begin
    if (reg_re_i) begin
      case (reg_addr_i)
        RegId:            rdata_q <= 32'h45524e41;  // "ERNA"
        RegStatus:        rdata_q <= {29'd0, overflows_q != 0 || tile_error_q || rd_misaligned_q || wr_misaligned_q,
                                      done_q, running_q};
        RegProgAddr:      rdata_q <= prog_addr_q;
        RegJobCount:      rdata_q <= job_count_q;
        RegOverflows:     rdata_q <= overflows_q;
        RegErrFlags:      rdata_q <= {29'd0, wr_misaligned_q, rd_misaligned_q, tile_error_q};
        RegCycles:        rdata_q <= cycles_q;
        RegJobsStored:    rdata_q <= stored_q;
        RegLayerSel:      rdata_q <= 32'(layer_sel_q);
        RegCntCycles:     rdata_q <= c_cnt_rdata[31:0];
        RegCntCompute:    rdata_q <= c_cnt_rdata[63:32];
        RegCntLoadStall:  rdata_q <= c_cnt_rdata[95:64];
        RegCntStoreStall: rdata_q <= c_cnt_rdata[127:96];
        RegCntBytesRd:    rdata_q <= l_cnt_rdata;
        RegCntBytesWr:    rdata_q <= s_cnt_rdata;
        RegOverflowLayer: rdata_q <= overflow_layer_q;
        RegDebug:         rdata_q <= {24'd0, s_busy_q, c_state_q, l_state_q, running_q, 1'b0};
        RegJobsLoaded:    rdata_q <= l_job_q;
        RegJobsComputed:  rdata_q <= computed_q;
        default:          rdata_q <= '0;
      endcase
    end
  end
  assign reg_rdata_o = rdata_q;
  assign running_o   = running_q;
  assign done_o      = done_q;
  assign layer_o     = 16'(c_layer_q);

  logic unused_bits;
  assign unused_bits = ^{d_s_q, reg_wdata_i[31:1]};
endmodule
