// The load transfers of a job, by id, decoded from its descriptor: where the spans are in memory
// and where their entries go in the engine's buffers. Ids run in the order the read DMA performs
// them: first what depends on no earlier job (tables, weights, thresholds), then what may (image,
// activations, residual); ern_pkg::LoadDesc fetches a descriptor instead.
`include "ern_assert.svh"
`include "ern_job_desc.svh"

module ern_load_xfer #(
  parameter int DescWords   = `ERN_JOB_DESC_WORDS,
  parameter int MemBytes    = 64,
  parameter int Banks       = 4,      // activation buffer banks
  parameter int PePix       = 2,
  parameter int EmbColours  = 3,
  parameter int ELog2Wgt    = 6,      // log2 of a weight entry's bytes in memory
  parameter int ELog2Thr    = 6,
  parameter int ELog2Str    = 4
) (
  input  logic [2:0]           xfer_i,
  input  logic [DescWords*32-1:0] desc_i,
  input  logic [31:0]          fetch_addr_i,
  output logic                 enabled_o,
  output logic [31:0]          addr0_o,
  output logic [31:0]          stride1_o,
  output logic [31:0]          stride2_o,
  output logic [15:0]          n1_o,
  output logic [15:0]          n2_o,
  output logic [31:0]          n_o,
  output logic [3:0]           elog2_o,
  output logic [3:0]           buf_o,        // the engine's buffer id
  output logic [3:0]           banks_log2_o, // entries of a span spread over 2^banks_log2 banks
  output logic                 bank_by_span_o, // the span index picks the bank (embedding tables)
  output logic [31:0]          base_o,       // buffer entry of the first span
  output logic [31:0]          kstride_o     // buffer entries from one span to the next
);
  localparam int DescBeats = (DescWords * ern_pkg::DescWordBytes + MemBytes - 1) / MemBytes;
  `ERN_ELAB_CHECK(g_bad_banks, Banks >= 1 && (Banks & (Banks - 1)) == 0, "ern_load_xfer: Banks must be a power of two")
  `ERN_ELAB_CHECK(g_bad_pe_pix, PePix >= 1 && (PePix & (PePix - 1)) == 0, "ern_load_xfer: PePix must be a power of two")
  `ERN_ELAB_CHECK(g_bad_desc_beats, DescBeats <= 256, "ern_load_xfer: the descriptor must fit 256 beats")

  always_comb begin
    enabled_o      = 1'b0;
    addr0_o        = '0;
    stride1_o      = '0;
    stride2_o      = '0;
    n1_o           = 16'd1;
    n2_o           = 16'd1;
    n_o            = '0;
    elog2_o        = 4'($clog2(MemBytes));
    buf_o          = ern_pkg::BufDesc;
    banks_log2_o   = '0;
    bank_by_span_o = 1'b0;
    base_o         = '0;
    kstride_o      = '0;
    case (xfer_i)
      ern_pkg::LoadDesc: begin
        enabled_o = 1'b1;
        addr0_o   = fetch_addr_i;
        n_o       = 32'(DescBeats);
      end
      ern_pkg::LoadEmb: begin
        enabled_o      = `ERN_JOB_LD_EMB_FLAT(desc_i);
        addr0_o        = `ERN_JOB_EMB_ADDR_FLAT(desc_i);
        n2_o           = 16'(EmbColours);
        stride2_o      = 32'(ern_pkg::EmbEntries * ern_pkg::EmbEntryBytes);  // a table per colour
        n_o            = 32'(ern_pkg::EmbEntries);
        elog2_o        = 4'($clog2(ern_pkg::EmbEntryBytes));
        buf_o          = ern_pkg::BufEmb;
        bank_by_span_o = 1'b1;
      end
      ern_pkg::LoadImg: begin
        enabled_o = `ERN_JOB_LD_IMG_FLAT(desc_i);
        addr0_o   = `ERN_JOB_IMG_ADDR_FLAT(desc_i);
        n2_o      = `ERN_JOB_OUT_ROWS_FLAT(desc_i);
        stride2_o = `ERN_JOB_IMG_PITCH_FLAT(desc_i);
        n_o       = 32'(`ERN_JOB_IN_WIDTH_FLAT(desc_i));
        elog2_o   = `ERN_JOB_PAIRED_FLAT(desc_i) ? 4'($clog2(2 * ern_pkg::PixelBytes))  // a pixel pair
                                               : 4'($clog2(ern_pkg::PixelBytes));     // or one pixel
        buf_o     = ern_pkg::BufImg;
        base_o    = `ERN_JOB_IMG_BASE_FLAT(desc_i);
        kstride_o = 32'(`ERN_JOB_IN_WIDTH_FLAT(desc_i));
      end
      ern_pkg::LoadAct: begin
        enabled_o    = `ERN_JOB_LD_ACT_FLAT(desc_i);
        addr0_o      = `ERN_JOB_ACT_ADDR_FLAT(desc_i);
        n1_o         = 16'(`ERN_JOB_IN_BLOCKS_FLAT(desc_i));
        stride1_o    = `ERN_JOB_ACT_PLANE_FLAT(desc_i);
        n2_o         = `ERN_JOB_IN_ROWS_FLAT(desc_i);
        stride2_o    = `ERN_JOB_ACT_PITCH_FLAT(desc_i);
        n_o          = 32'(`ERN_JOB_IN_WIDTH_FLAT(desc_i));
        elog2_o      = 4'($clog2(ern_pkg::ActWordBytes));
        buf_o        = ern_pkg::BufAct;
        banks_log2_o = 4'($clog2(Banks));
        base_o       = `ERN_JOB_ACT_BASE_FLAT(desc_i);
        kstride_o    = 32'(`ERN_JOB_ACT_ROW_STRIDE_FLAT(desc_i));
      end
      ern_pkg::LoadWgt: begin
        enabled_o = `ERN_JOB_LD_WGT_FLAT(desc_i);
        addr0_o   = `ERN_JOB_WGT_ADDR_FLAT(desc_i);
        n_o       = `ERN_JOB_WGT_ENTRIES_FLAT(desc_i);
        elog2_o   = 4'(ELog2Wgt);
        buf_o     = ern_pkg::BufWgt;
        base_o    = `ERN_JOB_WGT_BASE_FLAT(desc_i);
      end
      ern_pkg::LoadThr: begin
        enabled_o = `ERN_JOB_LD_THR_FLAT(desc_i);
        addr0_o   = `ERN_JOB_THR_ADDR_FLAT(desc_i);
        n_o       = 32'(`ERN_JOB_OG_COUNT_FLAT(desc_i));
        elog2_o   = 4'(ELog2Thr);
        buf_o     = ern_pkg::BufThr;
        base_o    = `ERN_JOB_THR_BASE_FLAT(desc_i);
      end
      ern_pkg::LoadRes: begin
        enabled_o    = `ERN_JOB_LD_RES_FLAT(desc_i);
        addr0_o      = `ERN_JOB_RES_ADDR_FLAT(desc_i);
        n1_o         = `ERN_JOB_OG_COUNT_FLAT(desc_i);
        stride1_o    = `ERN_JOB_RES_PLANE_FLAT(desc_i);
        n2_o         = `ERN_JOB_OUT_ROWS_FLAT(desc_i);
        stride2_o    = `ERN_JOB_RES_PITCH_FLAT(desc_i);
        n_o          = 32'(`ERN_JOB_OUT_WIDTH_FLAT(desc_i));
        elog2_o      = 4'(ELog2Str);
        buf_o        = ern_pkg::BufRes;
        banks_log2_o = 4'($clog2(PePix));
        base_o       = `ERN_JOB_RES_BASE_FLAT(desc_i);
        kstride_o    = 32'(`ERN_JOB_OUT_PGS_FLAT(desc_i));
      end
      default: ;
    endcase
  end
  // Each transfer reads only some of the descriptor's fields.
  logic unused_desc;
  assign unused_desc = ^desc_i;
endmodule
