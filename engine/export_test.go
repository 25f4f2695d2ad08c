package engine

// Steps evaluates a draft as Evaluate does and returns the units of work
// it took (scratch.steps): spans visited, comparisons, probes of binary
// searches. Tests compare it between a draft and one four times as long
// to show evaluation is linear (or n log n) without timing anything.
func (p *Program) Steps(draft string, ctx Context) (int, error) {
	s := p.getScratch()
	defer p.scratch.Put(s)
	_, err := p.evaluate(s, draft, ctx)
	return s.steps, err
}
