// The accelerator: the layer engine, a read DMA and a write DMA on an AXI-like memory port, and the
// controller that runs a program of job descriptors from memory, behind a register interface.
//
// While no program runs, a debug port reaches the engine directly (narrow host accesses, start and
// hold), which is how layers are run one at a time with their golden inputs.
`include "ern_assert.svh"
`include "ern_job_desc.svh"
`include "ern_widths.svh"

module ern_accel #(
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
  parameter int MemBytes     = 32,   // memory port width
  parameter int MaxBurst     = 16,   // beats per burst
  parameter int MaxReads     = 8,    // read bursts in flight
  parameter int MaxLayers    = 256,  // layers with performance counters
  localparam int MemW = MemBytes * 8
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // Registers.
  input  logic                reg_we_i,
  input  logic                reg_re_i,
  input  logic [7:0]          reg_addr_i,
  input  logic [31:0]         reg_wdata_i,
  output logic [31:0]         reg_rdata_o,
  output logic                irq_done_o,   // a program finished
  output logic [15:0]         layer_o,      // layer the engine works on (or waits for)
  // Memory port.
  output logic                mem_ar_valid_o,
  input  logic                mem_ar_ready_i,
  output logic [31:0]         mem_ar_addr_o,
  output logic [7:0]          mem_ar_len_o,
  input  logic                mem_r_valid_i,
  output logic                mem_r_ready_o,
  input  logic [MemW-1:0]     mem_r_data_i,
  input  logic                mem_r_last_i,
  output logic                mem_aw_valid_o,
  input  logic                mem_aw_ready_i,
  output logic [31:0]         mem_aw_addr_o,
  output logic [7:0]          mem_aw_len_o,
  output logic                mem_w_valid_o,
  input  logic                mem_w_ready_i,
  output logic [MemW-1:0]     mem_w_data_o,
  output logic [MemBytes-1:0] mem_w_strb_o,
  output logic                mem_w_last_o,
  input  logic                mem_b_valid_i,
  output logic                mem_b_ready_o,
  // Debug port to the engine (ignored while a program runs).
  input  logic                dbg_we_i,
  input  logic                dbg_re_i,
  input  logic [3:0]          dbg_buf_i,
  input  logic [7:0]          dbg_bank_i,
  input  logic [23:0]         dbg_entry_i,
  input  logic [5:0]          dbg_word_i,
  input  logic [63:0]         dbg_wdata_i,
  output logic [63:0]         dbg_rdata_o,
  output logic                dbg_rgnt_o,
  input  logic                dbg_start_i,
  input  logic                dbg_hold_i,
  output logic                eng_busy_o,
  output logic                eng_done_o,
  output logic [2:0]          eng_state_o,
  output logic [31:0]         eng_steps_o,
  output logic [31:0]         eng_overflows_o,
  output logic                eng_tile_error_o
);
  localparam int DescWords = `ERN_JOB_DESC_WORDS;
  localparam int EngWords  = `ERN_JOB_ENGINE_WORDS;
  localparam int AccW      = `ERN_ACC_W(MaxInBlocks);
  localparam int ValueW    = `ERN_VALUE_W(AccW, StreamW);
  localparam int ThrEntryW = `ERN_THR_ENTRY_W(`ERN_THR_W(ValueW));
  // Entries in memory take a power of two of bytes (so that beats are shifts away).
  localparam int ELog2Wgt  = `ERN_ENTRY_LOG2(PeOut * ern_pkg::Lanes);
  localparam int ELog2Thr  = `ERN_ENTRY_LOG2(PeOut * ThrEntryW);
  localparam int ELog2Str  = `ERN_ENTRY_LOG2(PeOut * StreamW);
  localparam int ELog2Sum  = `ERN_ENTRY_LOG2(PeOut * ern_pkg::SumW);
  // Beats are a power of two of bytes, at least the debug port's 64-bit word.
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 8 && (MemBytes & (MemBytes - 1)) == 0, "ern_accel: MemBytes must be a power of two, at least 8")

  logic running;

  // Controller.
  logic                       rd_cmd, rd_fetch, rd_data, rd_busy, rd_done, rd_misaligned;
  logic [31:0]                rd_addr, rd_beats;
  logic [DescWords*32-1:0] rd_desc, rd_fetched;
  logic                       wr_cmd, wr_busy, wr_done, wr_misaligned;
  logic [31:0]                wr_beats;
  logic [DescWords*32-1:0] wr_desc;
  logic                       ctl_stage_we, ctl_start;
  logic [EngWords*32-1:0]     ctl_stage_desc;
  logic                       eng_busy, eng_done, eng_tile_error;
  logic [31:0]                eng_overflows;

  ern_controller #(
    .DescWords(DescWords), .MemBytes(MemBytes), .MaxLayers(MaxLayers)
  ) u_ctl (
    .clk_i, .rst_ni, .reg_we_i, .reg_re_i, .reg_addr_i, .reg_wdata_i, .reg_rdata_o, .running_o(running), .done_o(irq_done_o), .layer_o,
    .rd_cmd_o(rd_cmd), .rd_fetch_o(rd_fetch), .rd_data_o(rd_data), .rd_addr_o(rd_addr), .rd_desc_o(rd_desc), .rd_busy_i(rd_busy),
    .rd_done_i(rd_done), .rd_fetched_i(rd_fetched), .rd_beats_i(rd_beats), .rd_misaligned_i(rd_misaligned),
    .wr_cmd_o(wr_cmd), .wr_desc_o(wr_desc), .wr_busy_i(wr_busy), .wr_done_i(wr_done), .wr_beats_i(wr_beats),
    .wr_misaligned_i(wr_misaligned), .eng_stage_we_o(ctl_stage_we), .eng_stage_desc_o(ctl_stage_desc),
    .eng_start_o(ctl_start), .eng_busy_i(eng_busy), .eng_done_i(eng_done), .eng_overflows_i(eng_overflows),
    .eng_tile_error_i(eng_tile_error)
  );

  // Read DMA: loads into the engine's buffers.
  logic            fill_we;
  logic [3:0]      fill_buf;
  logic [7:0]      fill_bank;
  logic [23:0]     fill_entry;
  logic [5:0]      fill_slice;
  logic [MemW-1:0] fill_data;
  ern_dma_rd #(
    .DescWords(DescWords), .MemBytes(MemBytes), .MaxBurst(MaxBurst), .MaxReads(MaxReads), .Banks(2 * PePix),
    .PePix(PePix), .EmbColours(EmbColours), .ELog2Wgt(ELog2Wgt), .ELog2Thr(ELog2Thr), .ELog2Str(ELog2Str)
  ) u_dma_rd (
    .clk_i, .rst_ni, .cmd_i(rd_cmd), .cmd_fetch_i(rd_fetch), .cmd_data_i(rd_data), .cmd_addr_i(rd_addr), .desc_i(rd_desc),
    .busy_o(rd_busy), .done_o(rd_done), .fetched_o(rd_fetched), .beats_o(rd_beats), .misaligned_o(rd_misaligned),
    .ar_valid_o(mem_ar_valid_o), .ar_ready_i(mem_ar_ready_i), .ar_addr_o(mem_ar_addr_o), .ar_len_o(mem_ar_len_o),
    .r_valid_i(mem_r_valid_i), .r_ready_o(mem_r_ready_o), .r_data_i(mem_r_data_i), .r_last_i(mem_r_last_i),
    .fill_we_o(fill_we), .fill_buf_o(fill_buf), .fill_bank_o(fill_bank), .fill_entry_o(fill_entry),
    .fill_slice_o(fill_slice), .fill_data_o(fill_data)
  );

  // Write DMA: stores from the engine's output buffers.
  logic            drain_re, drain_gnt;
  logic [3:0]      drain_buf;
  logic [7:0]      drain_bank;
  logic [23:0]     drain_entry;
  logic [5:0]      drain_slice;
  logic [MemW-1:0] eng_rdata;
  ern_dma_wr #(
    .DescWords(DescWords), .MemBytes(MemBytes), .MaxBurst(MaxBurst), .PeOut(PeOut), .PePix(PePix),
    .ELog2Str(ELog2Str), .ELog2Sum(ELog2Sum)
  ) u_dma_wr (
    .clk_i, .rst_ni, .cmd_i(wr_cmd), .desc_i(wr_desc), .busy_o(wr_busy), .done_o(wr_done), .beats_o(wr_beats),
    .misaligned_o(wr_misaligned), .aw_valid_o(mem_aw_valid_o), .aw_ready_i(mem_aw_ready_i),
    .aw_addr_o(mem_aw_addr_o), .aw_len_o(mem_aw_len_o), .w_valid_o(mem_w_valid_o), .w_ready_i(mem_w_ready_i),
    .w_data_o(mem_w_data_o), .w_strb_o(mem_w_strb_o), .w_last_o(mem_w_last_o), .b_valid_i(mem_b_valid_i),
    .b_ready_o(mem_b_ready_o), .rd_re_o(drain_re), .rd_buf_o(drain_buf), .rd_bank_o(drain_bank),
    .rd_entry_o(drain_entry), .rd_slice_o(drain_slice), .rd_gnt_i(drain_gnt), .rd_data_i(eng_rdata)
  );

  // The engine: its host ports are the DMAs' while a program runs, the debug port's otherwise.
  logic eng_rgnt;
  ern_layer_engine #(
    .PeOut(PeOut), .PePix(PePix), .StreamW(StreamW), .MaxInBlocks(MaxInBlocks), .ActDepth(ActDepth),
    .WgtDepth(WgtDepth), .ThrDepth(ThrDepth), .StrDepth(StrDepth), .OutDepth(OutDepth), .SumDepth(SumDepth),
    .ImgDepth(ImgDepth), .EmbColours(EmbColours), .EmbPerColour(EmbPerColour), .MemBytes(MemBytes)
  ) u_engine (
    .clk_i, .rst_ni,
    .wr_en_i   (running ? fill_we : dbg_we_i),
    .wr_wide_i (running),
    .wr_buf_i  (running ? fill_buf : dbg_buf_i),
    .wr_bank_i (running ? fill_bank : dbg_bank_i),
    .wr_entry_i(running ? fill_entry : dbg_entry_i),
    .wr_word_i (running ? fill_slice : dbg_word_i),
    .wr_data_i (running ? fill_data : MemW'(dbg_wdata_i)),
    .rd_en_i   (running ? drain_re : dbg_re_i),
    .rd_wide_i (running),
    .rd_buf_i  (running ? drain_buf : dbg_buf_i),
    .rd_bank_i (running ? drain_bank : dbg_bank_i),
    .rd_entry_i(running ? drain_entry : dbg_entry_i),
    .rd_word_i (running ? drain_slice : dbg_word_i),
    .rd_data_o (eng_rdata),
    .rd_gnt_o  (eng_rgnt),
    .stage_we_i  (ctl_stage_we),
    .stage_desc_i(ctl_stage_desc),
    .start_i     (running ? ctl_start : dbg_start_i),
    .hold_i      (!running && dbg_hold_i),
    .busy_o      (eng_busy),
    .done_o      (eng_done),
    .state_o     (eng_state_o),
    .steps_o     (eng_steps_o),
    .overflows_o (eng_overflows),
    .tile_error_o(eng_tile_error)
  );
  assign drain_gnt        = eng_rgnt;
  assign dbg_rgnt_o       = eng_rgnt;
  assign dbg_rdata_o      = eng_rdata[63:0];
  assign eng_busy_o       = eng_busy;
  assign eng_done_o       = eng_done;
  assign eng_overflows_o  = eng_overflows;
  assign eng_tile_error_o = eng_tile_error;
endmodule
