/** Where one delivery group's records from a file end, and how that group settled. */
export interface PositionMark {
  offset: number;
  /** The bytes before `offset` (hex), as read. */
  check: string;
  state: 'pending' | 'delivered' | 'undelivered';
}

/**
 * How far a file has been delivered: the end of the longest run of its handed-on stretches, in
 * the order they were handed on, whose delivery groups settled as delivered. This, not the read
 * position, is what a restart resumes from. Groups may settle out of order (several outputs), so
 * each file keeps its own queue of marks. A group that settles undelivered (left unwritten at
 * stop) stops the position at that group's start for good: its records are read again next time.
 */
export class DeliveredPosition {
  private readonly marks: PositionMark[] = [];

  constructor(
    public offset: number,
    public check: string,
  ) {}

  /** Handed-on stretches not yet delivered, or held back by an undelivered one: the file must stay in the saved state. */
  get unsettled(): boolean {
    return this.marks.length > 0;
  }

  /** Records up to `offset` were handed on in one group; settle the mark with that group. */
  handOn(offset: number, check: string): PositionMark {
    const mark: PositionMark = { offset, check, state: 'pending' };
    // Past an undelivered group nothing moves any more: no need to queue what follows.
    if (!this.heldBack) this.marks.push(mark);
    return mark;
  }

  /**
   * The file was read up to `offset` without anything to deliver (empty lines, a truncation's
   * restart at 0): the position gets there once everything handed on before has been delivered.
   * Returns whether the position moved.
   */
  reach(offset: number, check: string): boolean {
    if (this.heldBack) return false;
    this.marks.push({ offset, check, state: 'delivered' });
    return this.advance();
  }

  /** Whether an undelivered group holds the position where it is. */
  get heldBack(): boolean {
    return this.marks.length > 0 && this.marks[0].state === 'undelivered';
  }

  /** Returns whether the position moved. */
  settle(mark: PositionMark, delivered: boolean): boolean {
    if (mark.state !== 'pending') return false;
    mark.state = delivered ? 'delivered' : 'undelivered';
    return this.advance();
  }

  private advance(): boolean {
    let moved = false;
    while (this.marks.length > 0 && this.marks[0].state === 'delivered') {
      const mark = this.marks.shift()!;
      moved ||= mark.offset !== this.offset || mark.check !== this.check;
      this.offset = mark.offset;
      this.check = mark.check;
    }
    return moved;
  }
}
