package jwtexp

// decimal holds a JSON number exactly enough to turn it into a NumericDate
// (RFC 7519 §2) floored to the nanosecond, without floats and in constant
// space, however many digits the number has.
//
// The number is 0.d₁d₂d₃… × 10^point once its leading zeros are dropped. An
// exp that is in range has at most 19 digits before the point (10^19 s >
// 2^62 s), and the nanoseconds are the 9 after them, so only the first 28
// significant digits are kept; of the rest it is enough to know whether any
// is nonzero, which decides the floor of a negative value.
type decimal struct {
	neg     bool
	digits  [maxDigits]byte // the first significant digits, most significant first
	n       int             // how many of digits are set
	nonzero bool            // a nonzero digit was seen, so digits[0] != 0
	dropped bool            // a nonzero digit did not fit in digits

	intDigits int64 // significant digits before the decimal point
	zeros     int64 // zeros after the point before the first significant digit
	exp       int64 // the exponent's magnitude, saturated at maxExponent
	expNeg    bool
}

const (
	maxWholeDigits = 19 // 10^19 > 2^62: more whole digits is out of range
	maxDigits      = maxWholeDigits + 9
	// maxExponent saturates the exponent far beyond any in-range value,
	// yet low enough that point cannot overflow for any payload size.
	maxExponent = 1 << 40
	// maxSeconds is the bound go-jose uses: |exp| must be below 2^62 s, so
	// that exp plus any time.Duration still fits in a time.Time.
	maxSeconds = 1 << 62
)

func (d *decimal) digit(v byte, frac bool) {
	if !d.nonzero {
		if v == 0 {
			if frac {
				d.zeros++
			}
			return // JSON allows one leading zero before the point
		}
		d.nonzero = true
	}
	if !frac {
		d.intDigits++
	}
	if d.n < len(d.digits) {
		d.digits[d.n] = v
		d.n++
	} else if v != 0 {
		d.dropped = true
	}
}

func (d *decimal) exponentDigit(v byte) {
	if d.exp < maxExponent {
		d.exp = d.exp*10 + int64(v)
	}
}

// at returns d_k, the k-th significant digit, counting from 1; digits
// before the first and after the last kept are zero.
func (d *decimal) at(k int64) uint64 {
	if k < 1 || k > int64(d.n) {
		return 0
	}
	return uint64(d.digits[k-1])
}

// unix returns the value floored to the nanosecond, as seconds and
// nanoseconds in [0, 1e9) for time.Unix, or false when |value| >= 2^62.
func (d *decimal) unix() (sec, nsec int64, ok bool) {
	if !d.nonzero {
		return 0, 0, true // 0, -0, 0.0e99: the epoch
	}
	exp := d.exp
	if d.expNeg {
		exp = -exp
	}
	point := d.intDigits - d.zeros + exp
	if point > maxWholeDigits {
		return 0, 0, false
	}
	var whole, frac uint64
	for k := int64(1); k <= point; k++ {
		whole = whole*10 + d.at(k)
	}
	if whole >= maxSeconds {
		return 0, 0, false
	}
	for k := point + 1; k <= point+9; k++ {
		frac = frac*10 + d.at(k)
	}
	below := d.dropped // a nonzero digit below the nanosecond
	for k := max(point+10, 1); k <= int64(d.n) && !below; k++ {
		below = d.at(k) != 0
	}
	if !d.neg {
		return int64(whole), int64(frac), true
	}
	// Floor of -(whole + frac/1e9 + something below a nanosecond).
	if below {
		frac++
	}
	if frac == 0 {
		return -int64(whole), 0, true
	}
	return -int64(whole) - 1, int64(1e9 - frac), true
}
