// The store transfers of a job, by id, decoded from its descriptor: which output buffer entries go
// where in memory. 2-bit outputs are 64-lane words of which the job owns the lanes of its channel
// groups only: the byte strobes keep the others.
`include "ern_assert.svh"
`include "ern_job_desc.svh"

module ern_store_xfer #(
  parameter int DescWords = `ERN_JOB_DESC_WORDS,
  parameter int PeOut     = 8,
  parameter int PePix     = 2,
  parameter int ELog2Str  = 4,
  parameter int ELog2Sum  = 5
) (
  input  logic [2:0]                 xfer_i,
  input  logic [DescWords*32-1:0] desc_i,
  input  logic [15:0]                i1_i,          // outer index of the current span
  output logic                       enabled_o,
  output logic [31:0]                addr0_o,
  output logic [31:0]                stride1_o,
  output logic [31:0]                stride2_o,
  output logic [15:0]                n1_o,
  output logic [15:0]                n2_o,
  output logic [31:0]                n_o,
  output logic [3:0]                 elog2_o,
  output logic [3:0]                 buf_o,
  output logic [3:0]                 banks_log2_o,
  output logic [31:0]                base_o,
  output logic [31:0]                kstride_o,
  output logic [15:0]                entry_strb_o   // bytes of a 16-byte output word to write
);
  localparam int PeOutLog2 = $clog2(PeOut);
  `ERN_ELAB_CHECK(g_bad_pe_out, PeOut >= 8 && PeOut <= 64 && (PeOut & (PeOut - 1)) == 0, "ern_store_xfer: PeOut must be a power of two, 8..64")
  `ERN_ELAB_CHECK(g_bad_pe_pix, PePix >= 1 && (PePix & (PePix - 1)) == 0, "ern_store_xfer: PePix must be a power of two")

  // The job's lanes: from the first lane of group og0 to the last of its last group.
  logic [31:0] lane_first, lane_end;
  logic [6:0]  lo, hi;
  logic [7:0]  plane_bytes;
  assign lane_first = 32'(`ERN_JOB_OG0_FLAT(desc_i)) << PeOutLog2;
  assign lane_end   = (32'(`ERN_JOB_OG0_FLAT(desc_i)) + 32'(`ERN_JOB_OG_COUNT_FLAT(desc_i))) << PeOutLog2;
  always_comb begin
    lo = (i1_i == 16'd0) ? {1'b0, lane_first[5:0]} : 7'd0;
    hi = (i1_i + 16'd1 == `ERN_JOB_OACT_BLOCKS_FLAT(desc_i)) ? 7'(((lane_end - 32'd1) & 32'd63) + 32'd1) : 7'd64;
    for (int b = 0; b < 8; b++) plane_bytes[b] = (7'(8 * b) >= lo) && (7'(8 * b) < hi);
  end

  always_comb begin
    enabled_o    = 1'b0;
    addr0_o      = '0;
    stride1_o    = '0;
    stride2_o    = '0;
    n1_o         = 16'd1;
    n2_o         = 16'd1;
    n_o          = '0;
    elog2_o      = 4'($clog2(ern_pkg::ActWordBytes));
    buf_o        = ern_pkg::BufDesc;
    banks_log2_o = '0;
    base_o       = '0;
    kstride_o    = '0;
    entry_strb_o = '1;
    case (xfer_i)
      ern_pkg::StoreOact: begin
        enabled_o    = `ERN_JOB_ST_ACT_FLAT(desc_i);
        addr0_o      = `ERN_JOB_OACT_ADDR_FLAT(desc_i);
        n1_o         = `ERN_JOB_OACT_BLOCKS_FLAT(desc_i);
        stride1_o    = `ERN_JOB_OACT_PLANE_FLAT(desc_i);
        n2_o         = `ERN_JOB_OUT_ROWS_FLAT(desc_i);
        stride2_o    = `ERN_JOB_OACT_PITCH_FLAT(desc_i);
        n_o          = 32'(`ERN_JOB_OUT_WIDTH_FLAT(desc_i));
        elog2_o      = 4'($clog2(ern_pkg::ActWordBytes));
        buf_o        = ern_pkg::BufOact;
        banks_log2_o = 4'($clog2(PePix));
        base_o       = `ERN_JOB_OACT_BASE_FLAT(desc_i);
        kstride_o    = 32'(`ERN_JOB_OUT_PGS_FLAT(desc_i));
        entry_strb_o = {plane_bytes, plane_bytes};
      end
      ern_pkg::StoreOstr: begin
        enabled_o    = `ERN_JOB_ST_STR_FLAT(desc_i);
        addr0_o      = `ERN_JOB_OSTR_ADDR_FLAT(desc_i);
        n1_o         = `ERN_JOB_OG_COUNT_FLAT(desc_i);
        stride1_o    = `ERN_JOB_OSTR_PLANE_FLAT(desc_i);
        n2_o         = `ERN_JOB_OUT_ROWS_FLAT(desc_i);
        stride2_o    = `ERN_JOB_OSTR_PITCH_FLAT(desc_i);
        n_o          = 32'(`ERN_JOB_OUT_WIDTH_FLAT(desc_i));
        elog2_o      = 4'(ELog2Str);
        buf_o        = ern_pkg::BufOstr;
        banks_log2_o = 4'($clog2(PePix));
        base_o       = `ERN_JOB_OSTR_BASE_FLAT(desc_i);
        kstride_o    = 32'(`ERN_JOB_OUT_PGS_FLAT(desc_i));
      end
      ern_pkg::StoreSum: begin
        enabled_o = `ERN_JOB_ST_SUM_FLAT(desc_i);
        addr0_o   = `ERN_JOB_SUM_ADDR_FLAT(desc_i);
        n_o       = 32'(`ERN_JOB_OG_COUNT_FLAT(desc_i));
        elog2_o   = 4'(ELog2Sum);
        buf_o     = ern_pkg::BufSum;
        base_o    = `ERN_JOB_SUM_BASE_FLAT(desc_i);
      end
      default: ;
    endcase
  end
  // Each transfer reads only some of the descriptor's fields.
  logic unused_desc;
  assign unused_desc = ^{desc_i, lane_first[31:6]};
endmodule
