// The command state and the address side of a DMA, shared by the read and the write DMA: walks the
// spans of a command's transfers (ern_xfer_seq) and issues each span as bursts of up to MaxBurst
// beats on an AXI-like address channel (AR or AW), while can_issue_i allows (the read DMA's limit on
// reads in flight). The DMA's data side (ern_dma_entries) walks the same transfers on its own, as
// the data follows the addresses.
`include "ern_assert.svh"

module ern_dma_addr #(
  parameter int         MemBytes = 64,
  parameter int         MaxBurst = 16,
  parameter logic [2:0] EndXfer  = ern_pkg::LoadEnd  // or StoreEnd (every instance sets it)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // The command: it runs from cmd_i (taken when idle) until its bursts are issued and the data
  // side reports idle_i (every beat moved, nothing outstanding).
  input  logic        cmd_i,
  input  logic [2:0]  first_i,      // its first transfer (with cmd_i)
  input  logic [2:0]  last_i,       // its last transfer (held while it runs)
  input  logic        idle_i,
  input  logic        beat_i,       // a data beat moved (counted)
  output logic        start_o,      // the command is taken in this cycle
  output logic        busy_o,
  output logic        done_o,       // the command ends in this cycle
  output logic [31:0] beats_o,      // data beats of the command
  output logic        misaligned_o, // a span of the command did not start on a beat
  // The current transfer, as the DMA decodes it (ern_xfer_seq).
  output logic [2:0]  xfer_o,
  input  logic        enabled_i,
  input  logic [31:0] addr0_i,
  input  logic [31:0] stride1_i,
  input  logic [31:0] stride2_i,
  input  logic [15:0] n1_i,
  input  logic [15:0] n2_i,
  input  logic [31:0] n_i,
  input  logic [3:0]  elog2_i,
  // Address channel.
  input  logic        can_issue_i,
  output logic        valid_o,
  input  logic        ready_i,
  output logic [31:0] addr_o,
  output logic [7:0]  len_o         // beats - 1
);
  localparam int MbLog2 = $clog2(MemBytes);
  `ERN_ELAB_CHECK(g_bad_mem_bytes, MemBytes >= 1 && (MemBytes & (MemBytes - 1)) == 0, "ern_dma_addr: MemBytes must be a power of two")
  `ERN_ELAB_CHECK(g_bad_max_burst, MaxBurst >= 1 && MaxBurst <= 256, "ern_dma_addr: MaxBurst must be 1..256 (len is 8 bits)")

  logic        busy_q, start, issued, misaligned;
  logic [31:0] beats_q;
  logic        misaligned_q;
  assign start = cmd_i && !busy_q;

  // The current span's beats left to issue and their address, once started.
  logic        started_q, started_d;
  logic [31:0] rem_q, rem_d, addr_q, addr_d;

  logic        loaded, walk_valid, walk_last;
  logic [31:0] walk_addr, walk_beats;
  logic [15:0] walk_i2;
  logic        walk_next, walk_load;
  ern_xfer_seq #(.MemBytes(MemBytes), .EndXfer(EndXfer)) u_seq (
    .clk_i, .rst_ni, .start_i(start), .first_i, .last_i, .busy_i(busy_q), .xfer_o, .enabled_i, .addr0_i, .stride1_i, .stride2_i,
    .n1_i, .n2_i, .n_i, .elog2_i, .next_i(walk_next), .hold_i(started_q), .load_o(walk_load), .loaded_o(loaded),
    .valid_o(walk_valid), .last_o(walk_last), .addr_o(walk_addr), .beats_o(walk_beats), .i2_o(walk_i2),
    .done_o(issued)
  );

  logic [31:0] burst;
  logic        fire, in_xfer;
  assign burst     = (rem_q > 32'(MaxBurst)) ? 32'(MaxBurst) : rem_q;
  assign valid_o   = busy_q && started_q && (rem_q != 0) && can_issue_i;
  assign addr_o    = addr_q;
  assign len_o     = 8'(burst - 32'd1);
  assign fire      = valid_o && ready_i;
  assign in_xfer   = busy_q && !issued && loaded;
  assign walk_next = busy_q && started_q && (rem_q == 0) && walk_valid;
  assign misaligned = walk_valid && !started_q && loaded && walk_addr[MbLog2-1:0] != '0;

  always_comb begin
    started_d = started_q;
    rem_d     = rem_q;
    addr_d    = addr_q;
    if (start) begin
      started_d = 1'b0;
    end else if (in_xfer) begin
      if (!started_q) begin
        // Start the current span (ern_xfer_seq ends the transfer when none is left).
        if (walk_valid) begin
          started_d = 1'b1;
          rem_d     = walk_beats;
          addr_d    = walk_addr;
        end
      end else if (fire) begin
        rem_d  = rem_q - burst;
        addr_d = addr_q + (burst << MbLog2);
      end else if (rem_q == 0) begin
        started_d = 1'b0;  // the walker moves to the next span (walk_next)
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      started_q <= 1'b0;
      rem_q     <= '0;
      addr_q    <= '0;
    end else begin
      started_q <= started_d;
      rem_q     <= rem_d;
      addr_q    <= addr_d;
    end
  end

  // The command.
  assign done_o = busy_q && issued && idle_i;
  logic        busy_d, misaligned_d;
  logic [31:0] beats_d;
  always_comb begin
    busy_d       = busy_q;
    beats_d      = beats_q;
    misaligned_d = misaligned_q;
    if (start) begin
      busy_d       = 1'b1;
      beats_d      = '0;
      misaligned_d = 1'b0;
    end else if (done_o) begin
      busy_d = 1'b0;
    end
    if (beat_i) beats_d = beats_q + 32'd1;
    if (misaligned) misaligned_d = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q       <= 1'b0;
      beats_q      <= '0;
      misaligned_q <= 1'b0;
    end else begin
      busy_q       <= busy_d;
      beats_q      <= beats_d;
      misaligned_q <= misaligned_d;
    end
  end
  assign start_o      = start;
  assign busy_o       = busy_q;
  assign beats_o      = beats_q;
  assign misaligned_o = misaligned_q;

  logic unused_walk;
  assign unused_walk = ^{walk_load, walk_last, walk_i2};
endmodule
