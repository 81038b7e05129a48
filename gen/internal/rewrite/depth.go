package rewrite

import (
	"slices"

	"github.com/tdewolff/parse/v2/js"
)

// NestingJS reports where a script nests deeper than limit, as a recursive
// descent parser such as esbuild's would recurse on it, so that a caller
// can refuse the file before such a parser overflows its stack (a Go stack
// overflow is fatal, not a panic: 300,000 nested parentheses kill the
// process after taking 1 GB). ok is false, with the 1-based line and
// column of the token that went past the limit, when the script is too
// deep.
//
// Depth is counted with the same lexer Find uses, so brackets inside
// strings, comments, template text and regular expressions do not count.
// It is the number of open (, [, { and ${, plus, within each of them, the
// operators a parser descends into rather than loops over since the last
// , or ; or statement break: assignments, ? of a conditional, =>, **,
// and prefix operators (! ~ + - ++ -- ... typeof void delete await yield
// new). Left-associative binary operators (1+1+1...) are parsed in a loop
// and do not count.
func NestingJS(src []byte, limit int) (line, col int, ok bool) {
	f := &finder{src: src}
	s := newJSTokens(f)
	chains := []int{0} // per open bracket, the operators counted since its last reset
	depth := 0         // open brackets plus the sum of chains
	prevOperand := false
	for {
		t := s.next()
		if t.tt == js.ErrorToken && t.eof {
			return 0, 0, true
		}
		top := len(chains) - 1
		if t.nl && prevOperand && startsStatement(t.tt) {
			// Automatic semicolon insertion ends the statement.
			depth -= chains[top]
			chains[top] = 0
		}
		switch {
		case opens(t.tt):
			chains = append(chains, 0)
			depth++
		case closes(t.tt):
			if top > 0 {
				depth -= chains[top] + 1
				chains = chains[:top]
			}
		case t.tt == js.CommaToken || t.tt == js.SemicolonToken || t.tt == js.TemplateMiddleToken:
			depth -= chains[top]
			chains[top] = 0
		case descends(t.tt, prevOperand):
			chains[top]++
			depth++
		}
		if depth > limit {
			f.refs = append(f.refs, Ref{Start: t.start})
			f.position()
			return f.refs[0].Line, f.refs[0].Col, false
		}
		prevOperand = endsOperand(t.tt)
	}
}

func opens(tt js.TokenType) bool {
	return tt == js.OpenParenToken || tt == js.OpenBracketToken || tt == js.OpenBraceToken || tt == js.TemplateStartToken
}

func closes(tt js.TokenType) bool {
	return tt == js.CloseParenToken || tt == js.CloseBracketToken || tt == js.CloseBraceToken || tt == js.TemplateEndToken
}

// descends reports whether a parser recurses at a token: right-associative
// and prefix operators. + and - are prefix only where no operand precedes.
func descends(tt js.TokenType, afterOperand bool) bool {
	switch tt {
	case js.QuestionToken, js.ArrowToken, js.ExpToken, js.EllipsisToken,
		js.NotToken, js.BitNotToken,
		js.TypeofToken, js.VoidToken, js.DeleteToken, js.AwaitToken, js.YieldToken, js.NewToken:
		return true
	case js.AddToken, js.SubToken, js.IncrToken, js.DecrToken:
		return !afterOperand
	}
	return slices.Contains(assignOps, tt)
}

var assignOps = []js.TokenType{
	js.EqToken, js.AddEqToken, js.SubEqToken, js.MulEqToken, js.ExpEqToken, js.DivEqToken, js.ModEqToken,
	js.LtLtEqToken, js.GtGtEqToken, js.GtGtGtEqToken, js.BitAndEqToken, js.BitOrEqToken, js.BitXorEqToken,
	js.AndEqToken, js.OrEqToken, js.NullishEqToken,
}

// endsOperand reports whether a token can end an operand, so that a line
// break after it may end the statement.
func endsOperand(tt js.TokenType) bool {
	switch tt {
	case js.CloseParenToken, js.CloseBracketToken, js.CloseBraceToken, js.TemplateToken, js.TemplateEndToken,
		js.StringToken, js.RegExpToken, js.IdentifierToken, js.ThisToken, js.NullToken, js.TrueToken, js.FalseToken,
		js.IncrToken, js.DecrToken:
		return true
	}
	return js.IsNumeric(tt)
}

// startsStatement reports whether a token after a line break cannot
// continue the expression before it, so that a semicolon is inserted
// (ECMAScript §12.10): anything but an operator, or a punctuator that
// continues an expression.
func startsStatement(tt js.TokenType) bool {
	switch tt {
	case js.OpenParenToken, js.OpenBracketToken, js.DotToken, js.OptChainToken, js.TemplateToken, js.TemplateStartToken,
		js.CloseParenToken, js.CloseBracketToken, js.CloseBraceToken, js.CommaToken, js.SemicolonToken,
		js.QuestionToken, js.ColonToken, js.ArrowToken, js.TemplateMiddleToken, js.TemplateEndToken:
		return false
	case js.NotToken, js.BitNotToken, js.IncrToken, js.DecrToken:
		return true
	}
	return !js.IsOperator(tt)
}
